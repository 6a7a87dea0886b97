#!/usr/bin/python3
"""Writes data/models/tiny-transformer.json: a tiny Transformer (architecture
"transformer", the tutorial's Seq2SeqTransformer) with random weights, for
tests and as a fuzz seed. It is not a translator.

d_model 8, 2 heads, 2 encoder and 2 decoder layers, dim_feedforward 16, relu,
post-norm (the tutorial's options), 24 positions; the tutorial's special ids
(<unk> 0, <pad> 1, <bos> 2, <eos> 3); hello/world -> bonjour/monde
vocabularies, "words" tokenizers; base64 tensor data; decoding max_length 8.

The weights come from a fixed seed, and the biases and layer-norm weights
(which PyTorch initialises to 0 and 1) are random too, so that an engine that
swaps or drops one of them does not pass by luck. The script is
deterministic: rerunning it with the same PyTorch writes the same file.

    /usr/bin/python3 tools/make_tiny_transformer.py [data/models/tiny-transformer.json]
"""

import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from attnscope_export import export_transformer  # noqa: E402
from attnscope_transformer import Seq2SeqTransformer, translate_ids  # noqa: E402

SOURCE = ["<unk>", "<pad>", "<bos>", "<eos>", "hello", "world", "!"]
TARGET = ["<unk>", "<pad>", "<bos>", "<eos>", "bonjour", "monde", "!"]
UNK, PAD, BOS, EOS = 0, 1, 2, 3
SEED = 51
MAX_POSITIONS = 24
MAX_LENGTH = 8
LIMIT = 32 * 1024  # a fuzz seed: keep it small


def randomize(model, seed):
    """Random weights, random biases and layer-norm parameters too."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and name.endswith(".weight"):
                p.uniform_(0.5, 1.5)
            elif name.endswith("bias"):
                p.uniform_(-0.5, 0.5)
            elif "emb" in name:
                p.normal_(0.0, 1.0)
            else:
                bound = 2.5 / (p.shape[1] ** 0.5)
                p.uniform_(-bound, bound)


def build():
    model = Seq2SeqTransformer(2, 2, 8, 2, len(SOURCE), len(TARGET), dim_feedforward=16, dropout=0.0,
                               norm_first=False, activation="relu", layer_norm_eps=1e-5, maxlen=MAX_POSITIONS)
    randomize(model, SEED)
    model.eval()
    return model


def main(argv):
    path = argv[1] if len(argv) > 1 else os.path.normpath(os.path.join(HERE, "..", "data", "models", "tiny-transformer.json"))
    model = build()
    export_transformer(
        model, SOURCE, TARGET, path, bos_index=BOS, eos_index=EOS, pad_index=PAD, unk_index=UNK,
        source_tokenizer="words", target_tokenizer="words", max_target_length=MAX_LENGTH,
        metadata={"name": "tiny-transformer",
                  "description": "A tiny Transformer (d_model 8, 2 heads, 2 + 2 layers) with RANDOM weights: "
                                 "it does not translate. For tests and as a fuzz seed.",
                  "license": "CC0-1.0",
                  "training_data": "none (random weights from a fixed seed, tools/make_tiny_transformer.py)"},
        encoding="base64", max_positions=MAX_POSITIONS)
    size = os.path.getsize(path)
    if size > LIMIT:
        raise SystemExit("%s: %d bytes, more than %d" % (path, size, LIMIT))
    index = {w: i for i, w in enumerate(SOURCE)}
    for s in ("hello world !", "hello", "world hello !"):
        out = translate_ids(model, [index[w] for w in s.split()], BOS, EOS)
        print("%s -> %s (the tutorial's rule; with max_length %d: %s)"
              % (s, " ".join(TARGET[i] for i in out), MAX_LENGTH, " ".join(TARGET[i] for i in out[:MAX_LENGTH])))
    print("wrote %s (%d bytes)" % (path, size))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
