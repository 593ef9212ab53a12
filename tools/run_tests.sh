#!/usr/bin/env bash
# Installs the environment if needed (tools/install.sh), then runs the test suite.
# Extra arguments go to pytest, e.g. bash tools/run_tests.sh -k morphmlp -x
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
bash tools/install.sh
venv=${MMVIDEOMLP_VENV:-$repo/.venv}
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider --durations=15 "$@"
