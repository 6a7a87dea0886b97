#!/usr/bin/python3
"""Writes a large gru-bahdanau model with random weights, for timing the
loader (tests/bench/run-loader.sh): the tutorial's modules at a chosen size,
their weights drawn from a normal distribution (std 0.05, fixed seed), written
by the project's own exporter so that the file is exactly what a user's
export of a model that size would be. It translates nothing.

    /usr/bin/python3 tools/make_synthetic_model.py OUT.json --parameters 10M|100M --encoding base64|json

Sizes (the exact counts are printed):
    10M   hidden 512,  source and target vocabularies of 4,000 tokens
    100M  hidden 1024, source and target vocabularies of 26,000 tokens

The vocabularies are SOS, EOS (start 0, end 1), then w2, w3, ... With
--encoding json the exporter writes every float32 as a Python float (about
20 characters), so the 100M file is about 2 GB.
"""

import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attnscope_export import expected_shapes, export_gru_attention  # noqa: E402
from attnscope_tutorial import AttnDecoderRNN, EncoderRNN  # noqa: E402

SIZES = {
    "10M": dict(hidden=512, vocabulary=4000),
    "100M": dict(hidden=1024, vocabulary=26000),
}
STD = 0.05
SEED = 1234


def n_parameters(H, S, T):
    total = 0
    for shape in expected_shapes(H, S, T).values():
        n = 1
        for d in shape:
            n *= d
        total += n
    return total


def vocabulary(size):
    return ["SOS", "EOS"] + ["w%d" % i for i in range(2, size)]


def main(argv=None):
    p = argparse.ArgumentParser(description="Write a gru-bahdanau model with random weights (for benchmarks).")
    p.add_argument("out", help="model file to write (.json)")
    p.add_argument("--parameters", choices=sorted(SIZES), required=True, help="model size")
    p.add_argument("--encoding", choices=("base64", "json"), default="base64",
                   help="tensor data as base64 of little-endian float32 (default) or JSON arrays")
    args = p.parse_args(argv)

    H = SIZES[args.parameters]["hidden"]
    S = T = SIZES[args.parameters]["vocabulary"]
    start = time.perf_counter()
    torch.manual_seed(SEED)
    encoder, decoder = EncoderRNN(S, H, 0.0), AttnDecoderRNN(H, T, 0.0)
    # The modules' own initialisations differ per layer (uniform in
    # +-1/sqrt(H) for the GRU, N(0, 1) for embeddings); one distribution for
    # everything keeps the values' printed lengths alike across tensors, so
    # that the json encoding's size depends on the count only.
    with torch.no_grad():
        for param in list(encoder.parameters()) + list(decoder.parameters()):
            param.normal_(0.0, STD)
    encoder.eval()
    decoder.eval()
    count = n_parameters(H, S, T)
    assert count == sum(t.numel() for t in list(encoder.parameters()) + list(decoder.parameters()))

    export_gru_attention(
        encoder, decoder, vocabulary(S), vocabulary(T), args.out, sos_index=0, eos_index=1,
        max_target_length=50, encoding=args.encoding,
        metadata={"name": "synthetic-%s" % args.parameters,
                  "description": "Random weights (normal, std %g, seed %d) at hidden size %d with %d-token "
                                 "vocabularies: a file for timing the loader, not a translator."
                                 % (STD, SEED, H, S),
                  "license": "CC0-1.0",
                  "training_data": "none (tools/make_synthetic_model.py)"})
    print("wrote %s: %d parameters (hidden %d, vocabularies %d / %d), %s encoding, %d bytes, %.1f s"
          % (args.out, count, H, S, T, args.encoding, os.path.getsize(args.out), time.perf_counter() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
