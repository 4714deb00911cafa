#!/usr/bin/env bash
# Build the Evidently reference venv used by bench/evidently_golden.py and bench/drift_speed.py.
#
#   bash bench/setup_evidently_env.sh            # -> /tmp/charter-bench/evidently-venv
#   EVIDENTLY_VENV=/some/dir bash bench/setup_evidently_env.sh
#
# Pins: bench/envs/evidently-requirements.txt (Evidently 0.7 needs pandas < 3, so it never
# goes into the project's venv). Idempotent (bench/peer_env.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${EVIDENTLY_VENV:-/tmp/charter-bench/evidently-venv}"
# shellcheck source=bench/peer_env.sh
source "$here/peer_env.sh"
peer_env evidently "$here/envs/evidently-requirements.txt" "$venv"
"$venv/bin/python" -c 'import evidently, pandas; print("evidently", evidently.__version__, "pandas", pandas.__version__)'
