#!/usr/bin/env bash
# Lint template.yaml with cfn-lint (1.x validates SAM resources against SAM schemas with
# Globals merged; no samtranslator needed). Fails on errors AND warnings;
# informational findings are not enabled.
set -euo pipefail
cd "$(dirname "$0")/.."

bash infra/venv.sh
# cfn-lint exit code is a bit mask: 2 = error, 4 = warning, 8 = informational.
# Treat errors and warnings as failures (any non-zero code when only E/W rules run).
# Regions: the intended deploy region (Fortnox is Swedish) plus cfn-lint's default.
.venv/bin/cfn-lint --format parseable --regions eu-north-1 us-east-1 -- template.yaml
echo "cfn-lint: template.yaml OK"
