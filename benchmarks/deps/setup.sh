#!/usr/bin/env bash
# Install the dependency benchmarks' peer, pip-audit (PyPA), pinned, into benchmarks/.bench-venv
# beside the other benchmarks' peers, with botwarden itself (editable) so both run in one venv.
#   bash benchmarks/deps/setup.sh
set -euo pipefail

PIP_AUDIT_VERSION="2.10.1"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$(dirname "$HERE")")"
VENV="$ROOT/benchmarks/.bench-venv"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi
"$VENV/bin/pip" install -q -e "$ROOT" "pip-audit==$PIP_AUDIT_VERSION"
