#!/usr/bin/python3
"""PyTorch's time for the same work as bench-engine: the tutorial modules
loaded from the same model file, encoder + STEPS greedy decoder steps, on the
same sentences. Prints one JSON object per line.

    /usr/bin/python3 tests/bench/bench_torch.py MODEL STEPS LENGTH...
"""

import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from attnscope_export import load_gru_attention  # noqa: E402


def main():
    path, steps, lengths = sys.argv[1], int(sys.argv[2]), [int(a) for a in sys.argv[3:]]
    torch.set_num_threads(2)
    start = time.perf_counter()
    encoder, decoder, model = load_gru_attention(path)
    print(json.dumps({"what": "load", "seconds": time.perf_counter() - start}), flush=True)
    vocab = model["source"]["vocabulary"]
    end = model["source"]["special"]["end"]
    sos = model["target"]["special"]["start"]
    S = len(vocab)
    with torch.no_grad():
        for length in lengths:
            ids = [3 + (k * 7919) % (S - 3) for k in range(length)] + [end]
            runs = 50 if length <= 100 else 10 if length <= 1000 else 3
            best = float("inf")
            for _ in range(runs):
                start = time.perf_counter()
                src = torch.tensor([ids])
                outputs, hidden = encoder(src)
                token = torch.tensor([[sos]])
                for _ in range(steps):
                    logits, hidden, _ = decoder.forward_step(token, hidden, outputs)
                    torch.log_softmax(logits, dim=-1)
                    token = logits.argmax(-1)
                best = min(best, time.perf_counter() - start)
            print(json.dumps({"what": "translate", "length": length, "steps": steps, "seconds": best}), flush=True)


if __name__ == "__main__":
    main()
