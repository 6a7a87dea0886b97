#!/usr/bin/env bash
# Parity against PyTorch, computed now: random-weight tutorial models of
# several sizes are built and exported with tools/attnscope_export.py, PyTorch
# decodes them (greedy and forced), and attnscope-cli must agree; the same
# for random-weight Transformers (make_transformer_models.py: every layer's
# and head's attention too); then the bundled model is loaded back into
# PyTorch and decoded there, and the CLI must agree with that too. Writes TAP
# (check_parity.py --tap).
#
# Needs Debian's python3-torch (tools/bootstrap.sh test installs it). When
# /usr/bin/python3 cannot import torch, for whatever reason, the test fails
# with Python's error: a parity test that quietly does not run is not a pass.
#
#   run-pytorch-parity.sh CLI
set -euo pipefail
cli=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if ! err=$(/usr/bin/python3 -c "import torch" 2>&1); then
  echo "Bail out! /usr/bin/python3 cannot import torch (python3-torch): $(printf '%s' "$err" | tail -n 1)"
  printf '%s\n' "$err" | sed 's/^/# /'
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! err=$( { /usr/bin/python3 "$here/make_models.py" "$tmp/random" >/dev/null &&
              /usr/bin/python3 "$here/make_transformer_models.py" "$tmp/transformer" >/dev/null &&
              mkdir -p "$tmp/golden" &&
              /usr/bin/python3 "$here/golden.py" --model "$root/data/models/en-zh-gru.json" \
                --out "$tmp/golden/en-zh-gru.ref.json" >/dev/null; } 2>&1); then
  echo "Bail out! PyTorch could not make the references: $(printf '%s' "$err" | tail -n 1)"
  printf '%s\n' "$err" | sed 's/^/# /'
  exit 1
fi
python3 "$here/check_parity.py" --tap "$cli" "$tmp/random" "$tmp/transformer" "$tmp/golden/en-zh-gru.ref.json"
