#!/usr/bin/env bash
# Side-by-side benchmark in one run: AttnScope's C engine against PyTorch on
# the same model file, the same sentences and the same number of decoder
# steps. Prints a table of times and their ratio; then the figure's first
# drawing against a cached redraw on a 1000 x 1000 matrix. Not part of the tests.
#
#   bash tests/bench/run.sh [MODEL] [STEPS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
model=${1:-data/models/en-zh-gru.json}
steps=${2:-20}
lengths=(10 100 1000 5000)
ninja -C build tests/bench/bench-engine tests/bench/bench-figure >/dev/null
c=$(./build/tests/bench/bench-engine "$model" "$steps" "${lengths[@]}")
t=$(/usr/bin/python3 tests/bench/bench_torch.py "$model" "$steps" "${lengths[@]}")
/usr/bin/python3 - "$c" "$t" "$model" "$steps" <<'PY'
import json, sys
c = [json.loads(l) for l in sys.argv[1].splitlines()]
t = [json.loads(l) for l in sys.argv[2].splitlines()]
print(f"model {sys.argv[3]}, {sys.argv[4]} decoder steps, best of several runs, 2 threads each")
print(f"{'work':<26}{'AttnScope':>12}{'PyTorch':>12}{'PyTorch/AttnScope':>20}")
for a, b in zip(c, t):
    what = "load model file" if a["what"] == "load" else f"translate {a['length']} words"
    print(f"{what:<26}{a['seconds']*1e3:>10.2f}ms{b['seconds']*1e3:>10.2f}ms{b['seconds']/a['seconds']:>19.1f}x")
PY
echo
./build/tests/bench/bench-figure
