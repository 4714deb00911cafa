#!/usr/bin/env bash
# Build the Presidio reference venv used by bench/presidio_runner.py (the PII benchmark's peer).
#
#   bash bench/setup_presidio_env.sh             # -> bench/.venv-presidio
#   PRESIDIO_VENV=/some/dir bash bench/setup_presidio_env.sh
#
# Pins: bench/envs/presidio-requirements.txt (Presidio pulls in spaCy, which the project does
# not need). No spaCy model is downloaded: the runner builds a blank English pipeline itself.
# Idempotent (bench/peer_env.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${PRESIDIO_VENV:-$here/.venv-presidio}"
# shellcheck source=bench/peer_env.sh
source "$here/peer_env.sh"
peer_env presidio "$here/envs/presidio-requirements.txt" "$venv"
"$venv/bin/python" -c 'import presidio_analyzer, spacy, tldextract
from importlib.metadata import version
print("presidio-analyzer", version("presidio-analyzer"), "spacy", spacy.__version__, "tldextract", tldextract.__version__)'
