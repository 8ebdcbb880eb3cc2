#!/usr/bin/env bash
# Run a command with a private moto server (DynamoDB, SQS, Secrets Manager) on a free loopback
# port; moto is stopped by its PID afterwards, also when the command fails.
#   infra/with-moto.sh cargo test --workspace
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/venv.sh
# A private server per run: concurrent runs (two terminals, CI beside a developer) never share
# or stop each other's moto.
mkdir -p .moto
MOTO_STATE_DIR="$(mktemp -d .moto/run.XXXXXX)"
export MOTO_STATE_DIR
trap 'bash infra/moto.sh stop; rm -rf "$MOTO_STATE_DIR"' EXIT
bash infra/moto.sh start
eval "$(bash infra/moto.sh env)"
"$@"
