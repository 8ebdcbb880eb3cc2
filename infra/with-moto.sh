#!/usr/bin/env bash
# Run a command with a private moto server (DynamoDB, SQS, Secrets Manager) on a free loopback
# port; moto is stopped by its PID afterwards, also when the command fails.
#   infra/with-moto.sh cargo test --workspace
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/venv.sh
bash infra/moto.sh start
trap 'bash infra/moto.sh stop' EXIT
eval "$(bash infra/moto.sh env)"
"$@"
