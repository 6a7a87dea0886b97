#!/usr/bin/env bash
# The engine benchmark, in one run: for each bundled model at 10 and 100
# source words, AttnScope's decoder step, encoding and sentence (encoding +
# STEPS greedy steps) beside PyTorch's (the tutorial's code; for the
# Transformer also a PyTorch decoder with a key/value cache) and beside
# bare OpenBLAS running exactly the engine's own sgemv/sgemm calls
# (bench-step records and replays them). One thread each. The C and Python
# programs take turns, ROUNDS times, so that a busy machine slows both
# alike; each time is the best over every run of every round. Prints one
# Markdown table (tests/bench/table.py): programs that print its JSON lines
# into the same stream add rows to it: bench-keystroke does, each round,
# with the viewer's keystroke-to-screen time in the real window under Xvfb
# (real key presses, through XTest), beside a bare GtkEntry, at 10 and 30
# words and, typing in long sentences, 1,000 and 10,000 (the GRU: the
# bundled Transformer takes 64 positions).
# Then the figure's benchmark, and the loader's (run-loader.sh: the bundled
# models and synthetic ones of 10M and 100M parameters, several minutes, and
# about 3 GB written once into /tmp/attnscope-bench; LOADER=0 leaves it out).
# Not part of the tests.
#
#   bash tests/bench/run.sh          (ROUNDS=3 RUNS=20 STEPS=20 LOADER=1 by default)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
rounds=${ROUNDS:-3}
runs=${RUNS:-20}
steps=${STEPS:-20}
models=(data/models/en-zh-gru.json data/models/en-zh-transformer.json)
lengths=(10 100)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
ninja -C build tests/bench/bench-step tests/bench/bench-figure tests/bench/bench-keystroke >/dev/null
lines=$(mktemp)
trap 'rm -f "$lines"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for model in "${models[@]}"; do
    ./build/tests/bench/bench-step "$model" "$steps" "$runs" "${lengths[@]}" >>"$lines"
    /usr/bin/python3 tests/bench/bench_step_torch.py "$model" "$steps" $(((runs + 3) / 4)) "${lengths[@]}" >>"$lines"
  done
  # the viewer's keystroke-to-screen time, in the real window under Xvfb, real keys
  GSK_RENDERER=cairo GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$PWD/build/data/settings" GDK_BACKEND=x11 \
    NO_AT_BRIDGE=1 ATTNSCOPE_MODELS_DIR="$PWD/data/models" \
    dbus-run-session -- xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" \
    ./build/tests/bench/bench-keystroke "$runs" 10 30 1000 10000 >>"$lines" 2>/dev/null
done
echo "$(date -u +%Y-%m-%d), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(getconf _NPROCESSORS_ONLN) cores," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg);" \
     "best of $rounds rounds of $runs runs (PyTorch: $(((runs + 3) / 4))), $steps decoder steps, one thread each"
echo
/usr/bin/python3 tests/bench/table.py --steps "$steps" <"$lines"
echo
./build/tests/bench/bench-figure
if [ "${LOADER:-1}" != 0 ]; then
  echo
  bash tests/bench/run-loader.sh
fi
