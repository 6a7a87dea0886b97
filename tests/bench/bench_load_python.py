#!/usr/bin/python3
"""Python's time for the same work as bench-load: the model file parsed with
json.load and a torch tensor built from every entry of "tensors", RUNS times
in one process. Prints one JSON object, with the same fields as bench-load
and "json_load_best", the best time of json.load alone.

    /usr/bin/python3 tests/bench/bench_load_python.py MODEL RUNS

The tensors are built by tools/attnscope_export.py's own reader
(_tensor_from_entry): it checks the data's length and that every value is
finite, as the C loader does, so both sides do the same checks.
"peak_rss_bytes" is the process's peak resident set (getrusage ru_maxrss)
minus its resident set right before the first load, i.e. without the
interpreter and torch themselves.
"""

import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from attnscope_export import _tensor_from_entry  # noqa: E402


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    if len(sys.argv) != 3 or int(sys.argv[2]) < 1:
        print("usage: bench_load_python.py MODEL RUNS", file=sys.stderr)
        return 2
    path, runs = sys.argv[1], int(sys.argv[2])
    first = None
    best = json_best = float("inf")
    parameters = 0

    baseline = rss_bytes()
    for _ in range(runs):
        start = time.perf_counter()
        with open(path, encoding="utf-8") as f:
            model = json.load(f)
        parsed = time.perf_counter()
        tensors = {name: _tensor_from_entry(name, entry) for name, entry in model["tensors"].items()}
        seconds = time.perf_counter() - start
        if first is None:
            first = seconds
        best = min(best, seconds)
        json_best = min(json_best, parsed - start)
        parameters = sum(t.numel() for t in tensors.values())
        # Both go before the next run, as bench-load unrefs its model: a run
        # must not hold two models at once.
        del model, tensors

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"first": first, "best": best, "peak_rss_bytes": max(peak - baseline, 0),
                      "parameters": parameters, "json_load_best": json_best}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
