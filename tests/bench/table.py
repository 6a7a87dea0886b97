#!/usr/bin/python3
"""Reads the JSON lines of the benchmark programs (stdin, any number of
rounds, in any order) and prints one Markdown table: for each measurement
the best (least) time over every round.

Lines it reads:
  {"info": "..."}  what was measured (versions), printed above the table
  {"model", "length", "impl", "what", "seconds"}  bench-step (impl "attnscope"
      and "blas") and bench_step_torch.py (impl "pytorch", "pytorch-tutorial",
      "pytorch-kv-cache"); what is "step", "encode" or "sentence"
  {"row": "label", "seconds": s [, "reference": s, "reference_name": "..."]
      [, "order": n]}  any other measurement, printed as a row of its own
      after the engine's (AttnScope's time, and a reference's where it has
      one), in order of "order" then of first appearance: another program
      adds rows by printing such lines into the same stream (run.sh); lines
      of one label are merged (the least of each time), so that AttnScope's
      time and the reference's may come from two programs
  {"row": "label", "count": n, "of": m [, "order": n]}  a count of m, printed
      as "label: n of m" (lines of one label: the largest count)
Lines with other keys are ignored.

    ... | /usr/bin/python3 tests/bench/table.py [--steps N]
"""

import argparse
import json
import math
import sys

PYTORCH = {
    "pytorch": "tutorial `forward_step`",
    "pytorch-tutorial": "tutorial `greedy_decode`",
    "pytorch-kv-cache": "PyTorch with a KV cache",
}
# what PyTorch's time is of, for each kind of work
PYTORCH_WORK = {
    ("pytorch", "step"): "tutorial `forward_step`",
    ("pytorch", "encode"): "tutorial `EncoderRNN`",
    ("pytorch", "sentence"): "tutorial modules",
    ("pytorch-tutorial", "step"): "tutorial `greedy_decode`, whole prefix",
    ("pytorch-tutorial", "encode"): "`model.encode`",
    ("pytorch-tutorial", "sentence"): "tutorial `greedy_decode`",
    ("pytorch-kv-cache", "step"): "KV cache",
    ("pytorch-kv-cache", "encode"): "`model.encode` + cross-attention K, V",
    ("pytorch-kv-cache", "sentence"): "KV cache",
}


def fmt(seconds):
    if seconds is None or not math.isfinite(seconds):
        return ""
    if seconds < 1e-3:
        return "%.1f µs" % (seconds * 1e6) if seconds < 1e-4 else "%.0f µs" % (seconds * 1e6)
    if seconds < 1:
        return "%.2f ms" % (seconds * 1e3) if seconds < 1e-2 else "%.1f ms" % (seconds * 1e3)
    return "%.2f s" % seconds


def ratio(a, b):
    if a is None or b is None or not b:
        return ""
    return "%.2f×" % (a / b) if a / b < 10 else "%.1f×" % (a / b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20, help="decoder steps per sentence (for the labels)")
    args = ap.parse_args()

    infos = []    # versions of what was measured
    best = {}     # (model, length, impl, what) -> seconds
    rows = {}     # label -> dict
    order = []
    for line in sys.stdin:
        line = line.strip()
        if not line.startswith("{"):
            continue
        d = json.loads(line)
        if "info" in d:
            if d["info"] not in infos:
                infos.append(d["info"])
            continue
        if "row" in d:
            label = d["row"]
            if label not in rows:
                rows[label] = {}
                order.append(label)
            row = rows[label]
            for key, value in d.items():
                if key in ("seconds", "reference") and value is not None and row.get(key) is not None:
                    row[key] = min(row[key], value)
                elif key == "count" and row.get(key) is not None:
                    row[key] = max(row[key], value)
                elif value is not None:
                    row[key] = value
            continue
        if not {"model", "length", "impl", "what", "seconds"} <= set(d):
            continue
        key = (d["model"], d["length"], d["impl"], d["what"])
        best[key] = min(best.get(key, math.inf), d["seconds"])

    if infos:
        print("; ".join(infos))
        print()
    print("| model | words | work | AttnScope | PyTorch | PyTorch / AttnScope | bare OpenBLAS | AttnScope / OpenBLAS |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    models = sorted({k[0] for k in best})
    for model in models:
        for length in sorted({k[1] for k in best if k[0] == model}):
            impls = [i for i in PYTORCH if (model, length, i, "step") in best]
            for what, label in (("step", "decoder step"), ("encode", "encoding"),
                                ("sentence", "encoding + %d steps" % args.steps)):
                ours = best.get((model, length, "attnscope", what))
                blas = best.get((model, length, "blas", what))
                for n, impl in enumerate(impls or [None]):
                    theirs = best.get((model, length, impl, what)) if impl else None
                    name = " (PyTorch: %s)" % PYTORCH_WORK.get((impl, what), PYTORCH[impl]) if impl else ""
                    first = n == 0
                    print("| %s | %d | %s%s | %s | %s | %s | %s | %s |" % (
                        model, length, label, name, fmt(ours), fmt(theirs), ratio(theirs, ours),
                        fmt(blas) if first else "", ratio(ours, blas) if first else ""))
    for label in sorted(order, key=lambda l: (rows[l].get("order", 0), order.index(l))):
        r = rows[label]
        ref = r.get("reference")
        name = " (%s)" % r["reference_name"] if r.get("reference_name") else ""
        if "count" in r:
            name += ": %d of %d" % (r["count"], r["of"])
        print("| | | %s%s | %s | %s | %s | | |" % (label, name, fmt(r.get("seconds")), fmt(ref),
                                                  ratio(ref, r.get("seconds"))))


if __name__ == "__main__":
    main()
