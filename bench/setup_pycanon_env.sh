#!/usr/bin/env bash
# Build the pyCANON reference venv used by bench/pycanon_golden.py and bench/reid_speed.py.
#
#   bash bench/setup_pycanon_env.sh             # -> bench/.venv-pycanon
#   PYCANON_VENV=/some/dir bash bench/setup_pycanon_env.sh
#
# pyCANON pins exact numpy, pandas and scipy versions that clash with the project's, so it
# lives in its own venv (bench/envs/pycanon-requirements.txt). Idempotent (bench/peer_env.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${PYCANON_VENV:-$here/.venv-pycanon}"
# shellcheck source=bench/peer_env.sh
source "$here/peer_env.sh"
peer_env pycanon "$here/envs/pycanon-requirements.txt" "$venv"
"$venv/bin/python" -c 'from importlib.metadata import version
print("pycanon", version("pycanon"), "pandas", version("pandas"), "numpy", version("numpy"))'
