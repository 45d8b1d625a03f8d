#!/usr/bin/env bash
# Create benchmarks/.bench-venv with the IAM peer tools (parliament, cloudsplaining), pinned.
#
# A separate venv so that the peers and their dependencies never touch the project's .venv.
# Idempotent: re-running only installs what is missing or at another version. Gitignored.
#   bash benchmarks/iam/setup.sh
set -euo pipefail

PARLIAMENT_VERSION="1.6.4"
CLOUDSPLAINING_VERSION="0.9.1"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$(dirname "$HERE")/.bench-venv"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi

want="parliament==$PARLIAMENT_VERSION cloudsplaining==$CLOUDSPLAINING_VERSION"
have_all=1
for spec in $want; do
  name="${spec%%==*}"; version="${spec##*==}"
  got="$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('$name'))" \
         2>/dev/null || true)"
  [ "$got" = "$version" ] || have_all=0
done
if [ "$have_all" = 0 ]; then
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install -q $want
fi

"$VENV/bin/python" - <<'EOF'
import importlib.metadata as m
import sys
print(f"bench venv: {sys.prefix} (Python {sys.version.split()[0]})")
for name in ("parliament", "cloudsplaining", "policy_sentry", "boto3"):
    try:
        print(f"  {name}=={m.version(name)}")
    except m.PackageNotFoundError:
        print(f"  {name}: not installed")
EOF
