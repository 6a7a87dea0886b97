#!/usr/bin/env python3
"""A second, independent implementation of the model format's gru-bahdanau
computation (docs/model-format.md, "Computation"), in plain Python 3 with no
torch and no numpy, speaking attnscope-cli's `translate --json` contract.

    python3 tests/parity/reference_cli.py translate MODEL "sentence" --json [--target "forced target"]

It is slow (pure Python, double precision) and meant for small models. Its
purposes: checking check_parity.py itself before the C CLI exists, and showing
that the equations of the format doc agree with PyTorch's modules
(`check_parity.py tests/parity/reference_cli.py OUTDIR` must pass).
It does only the validation it needs; the C loader is the real validator.
"""

import argparse
import base64
import json
import math
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from attnscope_tokenize import tokenize  # noqa: E402

DEFAULT_TOP = 5  # as attnscope-cli: --top K, 0..20
MAX_TOP = 20


def flat(data):
    if isinstance(data, list):
        out = []
        for d in data:
            out.extend(flat(d))
        return out
    return [float(data)]


def load_tensor(entry):
    shape = entry["shape"]
    n = 1
    for d in shape:
        n *= d
    data = entry["data"]
    if isinstance(data, str):
        raw = base64.b64decode(data, validate=True)
        if len(raw) != 4 * n:
            raise ValueError("data size does not match shape %s" % shape)
        vals = list(struct.unpack("<%df" % n, raw))
    else:
        vals = flat(data)
        if len(vals) != n:
            raise ValueError("%d values for shape %s" % (len(vals), shape))
    if len(shape) == 2:
        r, c = shape
        return [vals[i * c:(i + 1) * c] for i in range(r)]
    return vals


def matvec(w, x):
    return [sum(a * b for a, b in zip(row, x)) for row in w]


def add(*vs):
    return [sum(t) for t in zip(*vs)]


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def gru(p, x, h):
    H = len(h)
    gi = add(matvec(p["weight_ih_l0"], x), p["bias_ih_l0"])
    gh = add(matvec(p["weight_hh_l0"], h), p["bias_hh_l0"])
    r = [sigmoid(gi[i] + gh[i]) for i in range(H)]
    z = [sigmoid(gi[H + i] + gh[H + i]) for i in range(H)]
    n = [math.tanh(gi[2 * H + i] + r[i] * gh[2 * H + i]) for i in range(H)]
    return [(1 - z[i]) * n[i] + z[i] * h[i] for i in range(H)]


def log_softmax(v):
    m = max(v)
    s = math.log(sum(math.exp(x - m) for x in v))
    return [x - m - s for x in v]


def translate(model, sentence, target=None, top=DEFAULT_TOP):
    t = {k: load_tensor(v) for k, v in model["tensors"].items()}
    H = model["hyperparameters"]["hidden_size"]
    src, tgt = model["source"], model["target"]

    def side_tokens(side, text):
        tok = side["tokenizer"]
        return tokenize(text, tok["type"], tok.get("lowercase"))

    s_index = {w: i for i, w in enumerate(src["vocabulary"])}
    words = side_tokens(src, sentence)
    unk = src["special"].get("unknown")
    missing = [w for w in words if w not in s_index]
    if missing and unk is None:
        raise ValueError("the model does not know: %s" % ", ".join(missing))
    ids = [s_index.get(w, unk) for w in words] + [src["special"]["end"]]
    source_tokens = [src["vocabulary"][i] for i in ids]

    enc = {k[len("encoder.gru."):]: v for k, v in t.items() if k.startswith("encoder.gru.")}
    h = [0.0] * H
    outputs = []
    for i in ids:
        h = gru(enc, t["encoder.embedding.weight"][i], h)
        outputs.append(h)

    dec = {k[len("decoder.gru."):]: v for k, v in t.items() if k.startswith("decoder.gru.")}
    Ua_o = [add(matvec(t["decoder.attention.Ua.weight"], o), t["decoder.attention.Ua.bias"]) for o in outputs]
    t_index = {w: i for i, w in enumerate(tgt["vocabulary"])}
    end = tgt["special"]["end"]
    forced = None
    if target is not None:
        forced = []
        for w in side_tokens(tgt, target):
            if w in t_index:
                forced.append(t_index[w])
            elif tgt["special"].get("unknown") is not None:
                forced.append(tgt["special"]["unknown"])
            else:
                raise ValueError("the target vocabulary does not know: %s" % w)
        forced.append(end)
    max_length = model.get("decoding", {}).get("max_length", 10)
    n_steps = len(forced) if forced is not None else max_length

    inp = tgt["special"]["start"]
    steps, attention = [], []
    for k in range(n_steps):
        e = t["decoder.embedding.weight"][inp]
        wq = add(matvec(t["decoder.attention.Wa.weight"], h), t["decoder.attention.Wa.bias"])
        va, vb = t["decoder.attention.Va.weight"][0], t["decoder.attention.Va.bias"][0]
        scores = [sum(a * math.tanh(b + c) for a, b, c in zip(va, wq, u)) + vb for u in Ua_o]
        ls = log_softmax(scores)
        a = [math.exp(x) for x in ls]
        c = [sum(a[i] * outputs[i][j] for i in range(len(outputs))) for j in range(H)]
        h = gru(dec, e + c, h)
        logp = log_softmax(add(matvec(t["decoder.out.weight"], h), t["decoder.out.bias"]))
        order = sorted(range(len(logp)), key=lambda i: -logp[i])
        out = order[0] if forced is None else forced[k]
        steps.append({"input": tgt["vocabulary"][inp], "output": tgt["vocabulary"][out],
                      "prob": math.exp(logp[out]),
                      "top": [{"token": tgt["vocabulary"][i], "prob": math.exp(logp[i])} for i in order[:top]]})
        attention.append(a)
        inp = out
        if forced is None and out == end:
            break
    return {"architecture": model["architecture"], "source_tokens": source_tokens,
            "target_tokens": [s["output"] for s in steps], "steps": steps,
            "attention": attention, "cross_attention": [[[row] for row in attention]]}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("translate")
    tr.add_argument("model")
    tr.add_argument("sentence")
    tr.add_argument("--json", action="store_true")
    tr.add_argument("--target")
    tr.add_argument("--top", type=int, default=DEFAULT_TOP)
    args = p.parse_args()
    if not 0 <= args.top <= MAX_TOP:
        print("reference_cli: --top must be between 0 and %d" % MAX_TOP, file=sys.stderr)
        return 2
    with open(args.model, encoding="utf-8") as f:
        model = json.load(f)
    try:
        result = translate(model, args.sentence, args.target, args.top)
    except ValueError as e:
        print("reference_cli: %s" % e, file=sys.stderr)
        return 1
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False)
        print()
    else:
        print(tokenize_join(model["target"], result["target_tokens"]))
    return 0


def tokenize_join(side, tokens):
    end = side["vocabulary"][side["special"]["end"]]
    join = side.get("join", " " if side["tokenizer"]["type"] == "words" else "")
    return join.join(t for t in tokens if t != end)


if __name__ == "__main__":
    sys.exit(main())
