#!/usr/bin/env bash
# Side-by-side benchmark of the model loader in one run: AttnScope's
# as_model_new_from_file() (bench-load) against Python's json.load plus a
# torch tensor per entry (bench_load_python.py) on the same files: the two
# bundled models and synthetic models of 10M and 100M parameters, each as
# base64 and as JSON arrays. Prints one table of times and peak memory, then
# whether the loader's targets are met. Not part of the tests; takes several
# minutes (the first run also writes about 3 GB of synthetic models, kept in
# $ATTNSCOPE_BENCH_DIR, default /tmp/attnscope-bench, for the next runs).
#
#   bash tests/bench/run-loader.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
dir=${ATTNSCOPE_BENCH_DIR:-/tmp/attnscope-bench}
ninja -C build tests/bench/bench-load >/dev/null
mkdir -p "$dir"

# label, file, AttnScope runs, Python runs. Python gets one run on the 100M
# JSON model: json.load alone takes about a minute there.
models=(
  "tiny-hello   data/models/tiny-hello.json        5 5"
  "en-zh-gru    data/models/en-zh-gru.json         5 5"
  "10M-base64   $dir/synthetic-10M-base64.json     5 5"
  "10M-json     $dir/synthetic-10M-json.json       5 5"
  "100M-base64  $dir/synthetic-100M-base64.json    2 2"
  "100M-json    $dir/synthetic-100M-json.json      2 1"
)

# Written atomically by the exporter, so a file that exists is complete.
for size in 10M 100M; do
  for encoding in base64 json; do
    out=$dir/synthetic-$size-$encoding.json
    if [[ ! -e $out ]]; then
      echo "run-loader: writing $out (once)" >&2
      /usr/bin/python3 tools/make_synthetic_model.py "$out" --parameters "$size" --encoding "$encoding" >&2
    fi
  done
done

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for entry in "${models[@]}"; do
  read -r label file runs py_runs <<<"$entry"
  echo "run-loader: $label" >&2
  # Into the page cache first, so that "first" times the loader in a fresh
  # process rather than the disk: the generated files are large, and the
  # kernel may have evicted parts of them since they were written.
  cat "$file" >/dev/null
  c=$(./build/tests/bench/bench-load "$file" "$runs")
  p=$(/usr/bin/python3 tests/bench/bench_load_python.py "$file" "$py_runs")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$(stat -c %s "$file")" "$runs" "$py_runs" "$c" "$p" >>"$results"
done

/usr/bin/python3 - "$results" <<'PY'
import json, sys
rows = []
for line in open(sys.argv[1]):
    label, size, runs, py_runs, c, p = line.rstrip("\n").split("\t")
    rows.append(dict(label=label, size=int(size), runs=int(runs), py_runs=int(py_runs),
                     c=json.loads(c), p=json.loads(p)))
by = {r["label"]: r for r in rows}
print("loader: AttnScope as_model_new_from_file against Python json.load + torch tensors, one process each;")
print("runs: 5 per model up to 10M parameters, 2 for 100M (Python 1 on 100M-json); best of the runs;")
print("peak = peak RSS minus RSS before the first load, as a multiple of the file size")
print(f"{'model':<13}{'file MB':>9}{'AS first':>11}{'AS best':>11}{'Py best':>11}{'Py/AS':>8}"
      f"{'AS peak':>9}{'Py peak':>9}")
def ms(s):
    return f"{s*1e3:.1f}ms" if s < 1 else f"{s:.2f}s"
for r in rows:
    c, p, mb = r["c"], r["p"], r["size"]
    if c["parameters"] != p["parameters"]:
        print(f"run-loader: {r['label']}: {c['parameters']} parameters in AttnScope, {p['parameters']} in Python",
              file=sys.stderr)
    print(f"{r['label']:<13}{mb/1e6:>9.1f}{ms(c['first']):>11}{ms(c['best']):>11}{ms(p['best']):>11}"
          f"{p['best']/c['best']:>7.1f}x{c['peak_rss_bytes']/mb:>8.2f}x{p['peak_rss_bytes']/mb:>8.2f}x")

def yes(ok):
    return "yes" if ok else "no"
# The bundled models are timed at their first load: a user opens a file once.
bundled = [by["tiny-hello"]["c"]["first"], by["en-zh-gru"]["c"]["first"]]
b64, js = by["100M-base64"], by["100M-json"]
speedup = b64["p"]["best"] / b64["c"]["best"]
json_speedup = js["p"]["json_load_best"] / js["c"]["best"]
print("targets:")
print(f"  bundled models < 30 ms (first load): {yes(max(bundled) < 0.030)}"
      f" ({', '.join(f'{s*1e3:.1f} ms' for s in bundled)})")
print(f"  100M base64 >= 3x faster than Python: {yes(speedup >= 3)} ({speedup:.1f}x)")
print(f"  100M base64 peak <= 1.25x file: {yes(b64['c']['peak_rss_bytes'] <= 1.25 * b64['size'])}"
      f" ({b64['c']['peak_rss_bytes']/b64['size']:.2f}x)")
print(f"  100M json faster than json.load: {yes(json_speedup > 1)}"
      f" ({json_speedup:.1f}x; json.load alone {ms(js['p']['json_load_best'])})")
print(f"  100M json peak <= 1.0x file: {yes(js['c']['peak_rss_bytes'] <= js['size'])}"
      f" ({js['c']['peak_rss_bytes']/js['size']:.2f}x)")
PY
