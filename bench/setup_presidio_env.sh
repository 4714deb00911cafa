#!/usr/bin/env bash
# Build the Presidio reference venv used by bench/presidio_runner.py (the PII benchmark's peer).
#
#   bash bench/setup_presidio_env.sh             # -> bench/.venv-presidio
#   PRESIDIO_VENV=/some/dir bash bench/setup_presidio_env.sh
#
# Idempotent: an existing venv whose packages already match bench/envs/presidio-requirements.txt
# is left alone; otherwise the venv is (re)created and the pinned set installed from PyPI.
# No spaCy model is downloaded: the runner builds a blank English pipeline itself.
# Python: $PYTHON, else python3 (Presidio 2.2 needs Python >= 3.10).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
requirements="$here/envs/presidio-requirements.txt"
venv="${PRESIDIO_VENV:-$here/.venv-presidio}"
python="${PYTHON:-python3}"

satisfied() {
    [ -x "$venv/bin/python" ] || return 1
    local frozen pin
    frozen="$("$venv/bin/python" -m pip freeze --disable-pip-version-check 2>/dev/null)" || return 1
    while IFS= read -r pin; do
        pin="${pin%%#*}"
        pin="$(echo "$pin" | tr -d '[:space:]')"
        [ -z "$pin" ] && continue
        grep -qix -- "$pin" <<<"$frozen" || return 1
    done <"$requirements"
}

if satisfied; then
    echo "presidio venv up to date: $venv"
    exit 0
fi

echo "creating the presidio venv in $venv"
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
# keep the venv out of git without touching the repository's .gitignore
echo '*' >"$venv/.gitignore"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
satisfied || { echo "installed packages do not match $requirements" >&2; exit 1; }
"$venv/bin/python" -c 'import presidio_analyzer, spacy, tldextract
from importlib.metadata import version
print("presidio-analyzer", version("presidio-analyzer"), "spacy", spacy.__version__, "tldextract", tldextract.__version__)'
