#!/usr/bin/env bash
# Install the secrets benchmarks' peer, detect-secrets (Yelp), pinned, into benchmarks/.bench-venv
# beside the other benchmarks' peers.
#
# A separate venv so that the peer and its dependencies never touch the project's .venv.
# Idempotent: re-running installs only what is missing or at another version. Gitignored.
#   bash benchmarks/secrets/setup.sh
set -euo pipefail

DETECT_SECRETS_VERSION="1.5.0"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$(dirname "$HERE")/.bench-venv"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi

got="$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('detect-secrets'))" \
       2>/dev/null || true)"
if [ "$got" != "$DETECT_SECRETS_VERSION" ]; then
  "$VENV/bin/pip" install -q "detect-secrets==$DETECT_SECRETS_VERSION"
fi

echo "bench venv: $VENV"
"$VENV/bin/python" -c \
  "import importlib.metadata as m; print('  detect-secrets==' + m.version('detect-secrets'))"
