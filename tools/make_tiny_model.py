#!/usr/bin/python3
"""Writes data/models/tiny-hello.json: a hand-sized example of the model format.

A tutorial GRU + Bahdanau model with hidden size 4, trained for a few seconds
on three phrase pairs (hello/world -> bonjour/monde), its weights rounded to
three decimals and written as plain JSON arrays, so that a person can read the
whole file in an editor. It serves the documentation and the tests; it is not
a translator.

    /usr/bin/python3 tools/make_tiny_model.py data/models/tiny-hello.json
"""

import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attnscope_tutorial import AttnDecoderRNN, EncoderRNN  # noqa: E402
from attnscope_export import build_model_dict  # noqa: E402

SOURCE = ["SOS", "EOS", "<unk>", "hello", "world", "!"]
TARGET = ["SOS", "EOS", "<unk>", "bonjour", "monde", "!"]
PAIRS = [("hello world !", "bonjour monde !"), ("hello !", "bonjour !"), ("world !", "monde !"),
         ("world hello", "monde bonjour")]
HIDDEN = 4


def ids(vocab, text):
    return [vocab.index(w) for w in text.split()] + [1]


def main(path):
    torch.manual_seed(7)
    enc, dec = EncoderRNN(len(SOURCE), HIDDEN, 0.0), AttnDecoderRNN(HIDDEN, len(TARGET), 0.0)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=0.05)
    for _ in range(300):
        for src, tgt in PAIRS:
            s = torch.tensor([ids(SOURCE, src)])
            t = torch.tensor([ids(TARGET, tgt)])
            out, hid = enc(s)
            logp, _, _ = dec(out, hid, t)
            loss = torch.nn.functional.nll_loss(logp[0, : t.shape[1]], t[0])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        for p in list(enc.parameters()) + list(dec.parameters()):
            p.copy_(torch.round(p * 1000) / 1000)
    enc.eval()
    dec.eval()
    model = build_model_dict(enc, dec, SOURCE, TARGET, unk_index=2, max_target_length=6,
                             metadata={"name": "tiny-hello",
                                       "description": "A hand-sized example of the AttnScope model format: hello/world "
                                                      "to bonjour/monde, hidden size 4. For reading and for tests.",
                                       "license": "CC0-1.0",
                                       "training_data": "four made-up phrase pairs in tools/make_tiny_model.py"},
                             encoding="json")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(readable_json(model) + "\n")
    os.replace(path + ".tmp", path)


def readable_json(value, indent=0):
    """JSON with an object key per line and each innermost array on one line."""
    pad = "  " * indent
    if isinstance(value, dict):
        items = [f'{pad}  {json.dumps(k)}: {readable_json(v, indent + 1)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(v, (list, dict)) for v in value):
        items = [pad + "  " + readable_json(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    if isinstance(value, list):
        return "[" + ", ".join(readable_json(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{round(value, 3):g}"
    return json.dumps(value, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data/models/tiny-hello.json")
