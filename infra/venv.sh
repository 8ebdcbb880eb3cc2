#!/usr/bin/env bash
# Create/refresh the repo-local Python virtualenv (.venv) with infra/requirements.txt.
# Idempotent: reinstalls only when the venv is new or requirements.txt changed
# (a sha256 stamp of requirements.txt is kept in .venv/.requirements.sha256).
set -euo pipefail
cd "$(dirname "$0")/.."

REQ=infra/requirements.txt
VENV=.venv
STAMP="$VENV/.requirements.sha256"

if ! command -v python3 >/dev/null 2>&1; then
    echo "venv.sh: python3 not found" >&2
    exit 1
fi

hash_file() {
    python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
}

want="$(hash_file "$REQ")"

if [ ! -x "$VENV/bin/python" ]; then
    # A half-created directory (e.g. interrupted run) is recreated from scratch.
    rm -rf "$VENV"
    python3 -m venv "$VENV"
fi

have=""
if [ -f "$STAMP" ]; then
    have="$(cat "$STAMP")"
fi

if [ "$want" != "$have" ]; then
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        --no-input -r "$REQ" >"$log" 2>&1; then
        echo "venv.sh: pip install -r $REQ failed:" >&2
        tail -n 40 "$log" >&2
        rm -f "$STAMP"
        exit 1
    fi
    echo "$want" >"$STAMP"
fi
