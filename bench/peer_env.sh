#!/usr/bin/env bash
# Build (or keep) a benchmark peer tool's own venv from its pinned requirements, never in the
# project's venv. Sourced by the setup_*_env.sh scripts:
#
#   peer_env NAME REQUIREMENTS VENV
#
# Idempotent: a venv whose `pip freeze` already holds every pin is left alone; otherwise it is
# recreated and the pinned set installed from PyPI. Python: $PYTHON, else python3.

peer_env() {
    local name="$1" requirements="$2" venv="$3" python="${PYTHON:-python3}"
    if _peer_env_satisfied "$requirements" "$venv"; then
        echo "$name venv up to date: $venv"
        return 0
    fi
    echo "creating the $name venv in $venv"
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv"
    echo '*' >"$venv/.gitignore"  # a venv under bench/ stays out of git
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    _peer_env_satisfied "$requirements" "$venv" \
        || { echo "installed packages do not match $requirements" >&2; return 1; }
}

_peer_env_satisfied() {
    local requirements="$1" venv="$2" frozen pin
    [ -x "$venv/bin/python" ] || return 1
    frozen="$("$venv/bin/python" -m pip freeze --disable-pip-version-check 2>/dev/null)" || return 1
    while IFS= read -r pin; do
        pin="${pin%%#*}"
        pin="$(echo "$pin" | tr -d '[:space:]')"
        [ -z "$pin" ] && continue
        grep -qix -- "$pin" <<<"$frozen" || return 1
    done <"$requirements"
}
