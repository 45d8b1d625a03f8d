#!/usr/bin/env bash
# Install the runtime benchmarks' peers: nginx (the upstream), squid, tinyproxy and wrk from
# Debian, and cedarpy (pinned) into benchmarks/.bench-venv beside the IAM peers.
#
# Idempotent: re-running installs only what is missing. Needs root for apt-get (or sudo).
# No daemon is left running: the packages' postinst scripts are kept from starting their services
# (a temporary policy-rc.d), and any instance that started anyway is stopped through its own init
# script. The benchmarks start private instances on free loopback ports as child processes.
#   bash benchmarks/runtime/setup.sh
set -euo pipefail

CEDARPY_VERSION="4.12.2"
DEBS=(squid tinyproxy wrk)       # plus nginx-light (or nginx), chosen below

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$(dirname "$HERE")/.bench-venv"
PYTHON="${PYTHON:-python3}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

# -- Debian packages ---------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v squid >/dev/null 2>&1 || [ -x /usr/sbin/squid ] || missing+=(squid)
command -v tinyproxy >/dev/null 2>&1 || [ -x /usr/bin/tinyproxy ] || missing+=(tinyproxy)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)

if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing from Debian: ${missing[*]}"
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy" ]; then
    # exit 101 = "action forbidden": invoke-rc.d then starts no service during the install
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    made_policy=1
  fi
  cleanup() { [ "$made_policy" = 1 ] && $SUDO rm -f "$policy"; true; }
  trap cleanup EXIT
  $SUDO apt-get update -qq
  pkgs=()
  for name in "${missing[@]}"; do
    if [ "$name" = nginx ]; then
      if apt-cache show nginx-light >/dev/null 2>&1; then pkgs+=(nginx-light); else pkgs+=(nginx); fi
    else
      pkgs+=("$name")
    fi
  done
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${pkgs[@]}" >/dev/null
  cleanup
  trap - EXIT
fi

# Stop any system instance a package (or an earlier setup) left running; ours are private.
for service in nginx squid tinyproxy; do
  if [ -x "/etc/init.d/$service" ] && "/etc/init.d/$service" status >/dev/null 2>&1; then
    echo "stopping the system $service service (the benchmark runs its own)"
    $SUDO "/etc/init.d/$service" stop >/dev/null 2>&1 || true
  fi
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now "$service" >/dev/null 2>&1 || true
  fi
done

# -- cedarpy in the bench venv (next to the IAM peers, whose setup.sh this does not touch) -----
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi
got="$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('cedarpy'))" \
       2>/dev/null || true)"
if [ "$got" != "$CEDARPY_VERSION" ]; then
  "$VENV/bin/pip" install -q "cedarpy==$CEDARPY_VERSION"
fi

echo "bench venv: $VENV"
"$VENV/bin/python" -c "import importlib.metadata as m; print('  cedarpy==' + m.version('cedarpy'))"
echo "nginx: $( (/usr/sbin/nginx -v 2>&1 || true) | sed 's/.*: //')"
echo "squid: $( (/usr/sbin/squid -v 2>/dev/null || true) | head -1)"
echo "tinyproxy: $( (/usr/bin/tinyproxy -v 2>&1 || true) | head -1)"
echo "wrk: $( (wrk -v 2>&1 || true) | head -1)"
