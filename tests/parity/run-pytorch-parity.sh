#!/usr/bin/env bash
# Parity against PyTorch, computed now: random-weight tutorial models of
# several sizes are built and exported with tools/attnscope_export.py, PyTorch
# decodes them (greedy and forced), and attnscope-cli must agree; then the
# bundled model is loaded back into PyTorch and decoded there, and the CLI
# must agree with that too. Needs Debian's python3-torch (the test command
# installs it): without it the test is skipped (exit 77), never passed.
#
#   run-pytorch-parity.sh CLI
set -euo pipefail
cli=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "1..0 # SKIP python3-torch is not installed"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/make_models.py" "$tmp/random" >/dev/null
mkdir -p "$tmp/golden"
/usr/bin/python3 "$here/golden.py" --model "$root/data/models/en-zh-gru.json" --out "$tmp/golden/en-zh-gru.ref.json" >/dev/null
python3 "$here/check_parity.py" "$cli" "$tmp/random" "$tmp/golden/en-zh-gru.ref.json"
