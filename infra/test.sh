#!/usr/bin/env bash
# Everything `make test` runs, in order, failing fast. Needs only the Rust toolchain and
# python3 on the machine: Python tools are installed into ./.venv by infra/venv.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy (-D warnings)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "python tools (moto, cfn-lint) in .venv"
bash infra/venv.sh

step "cfn-lint template.yaml"
bash infra/lint.sh

step "tests: unit, handler, moto-backed adapter and end-to-end (moto on loopback)"
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
bash infra/with-moto.sh cargo test --workspace --quiet 2>&1 | tee "$results"

step "demo smoke test (in-memory, then moto)"
cargo run --quiet -p fortsync -- demo > /dev/null
bash infra/with-moto.sh cargo run --quiet -p fortsync -- demo --aws > /dev/null
echo "demo: ok"

# One closing line for the whole run (cargo prints one per test binary, the last often a
# doc-test run with nothing in it).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "make test: %d passed, %d failed\n", p, f }' "$results"
