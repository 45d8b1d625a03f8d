-- wrk script: send absolute-form requests, as a client of a forward proxy does.
--   TARGET_URL=http://127.0.0.1:8080/1k wrk -t2 -c50 -d10s --latency -s absolute.lua http://PROXY/
-- wrk connects to the proxy named on its command line; each request names the upstream:
--   GET http://127.0.0.1:8080/1k HTTP/1.1
--   Host: 127.0.0.1:8080
local url = os.getenv("TARGET_URL")
local request_bytes

init = function(args)
  if url == nil then
    error("set TARGET_URL to the absolute URL to request through the proxy")
  end
  local authority = url:match("^https?://([^/]+)")
  wrk.headers["Host"] = authority
  request_bytes = wrk.format("GET", url)
end

request = function()
  return request_bytes
end
