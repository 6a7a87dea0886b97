#!/usr/bin/python3
"""Make parity reference data for architecture "transformer": small
random-weight Seq2SeqTransformer models (the tutorial "Language Translation
with nn.Transformer", tools/attnscope_transformer.py) exported as AttnScope
model files, and PyTorch's own decoding of a few sentences with each, with
every layer's and head's attention.

    /usr/bin/python3 tests/parity/make_transformer_models.py OUTDIR

writes, for every model NAME below,
    OUTDIR/NAME.json      the model (tools/attnscope_export.export_transformer)
    OUTDIR/NAME.ref.json  PyTorch's results, read by check_parity.py

The reference format is make_models.py's (tokens, per-step probability,
log-probability, the 25 best candidates in stable order, "attention"), with:
- "architecture": "transformer" at the top;
- "source_tokens" the encoder's positions: [start] + tokens + [end] (the
  tutorial's tensor_transform), "source_unknown" false for start and end;
- a step's "attention": the mean over heads of the LAST decoder layer's
  cross-attention row (what the CLI writes as "attention");
- per case, every layer and head:
    "cross_attention":        [layer][head][step][source]
    "decoder_self_attention": [layer][head][step][step]  (row t over target
                              positions 0..t, position 0 the start token;
                              zero above the diagonal)
    "encoder_self_attention": [layer][head][source][source]
Step t reads the prefix [start, y_0 .. y_{t-1}] and predicts y_t, as the
tutorial's greedy_decode does (the whole prefix through model.decode with the
causal mask, the generator on the last position); greedy decoding stops after
the end token or after decoding.max_length steps, or without max_length after
the tutorial's num_tokens + 4 (num_tokens = source tokens + start + end).
Forced decoding feeds the target's tokens and then the end token.

The attention weights are PyTorch's own: every layer is re-run as
nn.TransformerEncoderLayer / nn.TransformerDecoderLayer.forward run it (both
norm_first settings), with the layer's own modules, but calling its
nn.MultiheadAttention modules with need_weights=True,
average_attn_weights=False; the script asserts that the re-run's outputs are
bit-identical to model.encode / model.decode (so the weights recorded are
the ones the model used), that its greedy tokens are translate_ids' (the
tutorial's rule), that every attention row is a distribution (and the
decoder's causal), and that PyTorch's float32 results are within a quarter
of check_parity.py's tolerances of the same model in float64 (so the
tolerances are about the engine, not about PyTorch's rounding), and that
the exported file reads back (load_transformer) to the same weights.

The models vary what an engine could get wrong: 1 to 3 layers on each side,
2 to 8 heads (head sizes 4 to 8), pre- and post-norm, relu and gelu, two
layer-norm epsilons, special ids other than the tutorial's, with and
without an unknown and a padding token, words / characters / whitespace
tokenizers on either side, JSON and base64 tensor data, with and without
decoding.max_length (cut-offs before the end token), and random biases and
layer-norm parameters (PyTorch initialises them to 0 and 1). Greedy cases
whose top two tokens are closer than 1e-3 in log-probability at some step
are not used. The script is deterministic: rerunning it gives the same files.
"""

import json
import math
import os
import random
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
sys.path.insert(0, HERE)
from attnscope_export import export_transformer, load_transformer  # noqa: E402
from attnscope_tokenize import tokenize  # noqa: E402
from attnscope_transformer import (Seq2SeqTransformer, generate_square_subsequent_mask,  # noqa: E402
                                   translate_ids)
from make_models import CJK, LETTERS, PUNCT, TRICKY, WORDY  # noqa: E402

TIE_MARGIN = 1e-3
TOP = 25
# check_parity.py's tolerances for the transformer (attention, log-probability):
# PyTorch's float32 must be within a quarter of them of float64.
ATTENTION_TOL = 1e-5
LOGPROB_TOL = 2e-5
N_SENTENCES = 3          # greedy + forced pairs per model
MAX_WORDS = 5

SPACES = [" ", "  ", "\t", "\u00a0", "\u3000", "\n", " \u2028 ", "\u001c"]
# Source words for the "whitespace" tokenizer: case and punctuation are part
# of the token ("Ab" and "ab" are two tokens, "x," is one).
WS_WORDS = ["Ab", "ab", "AB", "x,", "x", "«y»", "don't", "Naïve", "naïve", "$5", "İz", "ΣΑΣ", "a\u200bb", "3.14"]
TRICKY_WS = ["Ab\u00a0ab\u3000AB", "x,\u2028x \t «y»\n", "İz ΣΑΣ ﬁ Σας", "a\u200bb\u001c$5  3.14", "AB, ab. İZ"]

MODELS = [
    dict(name="tx-d8-h2-post-relu", d=8, nhead=2, enc=1, dec=1, ff=16, norm_first=False, act="relu", eps=1e-5,
         src=14, tgt=15, unk=0, pad=1, bos=2, eos=3, src_tok="words", tgt_tok="words", encoding="json",
         max_length=None, positions=24, scale=2.0, emb=1.0, eos_bias=0.0, seed=101),
    dict(name="tx-d16-h4-pre-gelu-ws", d=16, nhead=4, enc=2, dec=3, ff=32, norm_first=True, act="gelu", eps=1e-6,
         src=30, tgt=25, unk=7, pad=None, bos=5, eos=0, src_tok="whitespace", tgt_tok="words", encoding="base64",
         max_length=9, positions=20, scale=1.5, emb=1.0, eos_bias=0.5, seed=202),
    dict(name="tx-d24-h8-post-gelu-cjk", d=24, nhead=8, enc=3, dec=2, ff=40, norm_first=False, act="gelu", eps=1e-5,
         src=40, tgt=60, unk=None, pad=1, bos=2, eos=3, src_tok="words", tgt_tok="characters", encoding="base64",
         max_length=None, positions=20, scale=1.5, emb=1.0, eos_bias=1.5, seed=303),
    dict(name="tx-d12-h2-pre-relu-chars", d=12, nhead=2, enc=3, dec=1, ff=24, norm_first=True, act="relu", eps=1e-5,
         src=33, tgt=20, unk=0, pad=1, bos=2, eos=3, src_tok="characters", tgt_tok="whitespace", encoding="json",
         max_length=7, positions=16, scale=2.0, emb=1.0, eos_bias=1.0, seed=404),
    dict(name="tx-d12-h3-post-relu-ws", d=12, nhead=3, enc=2, dec=2, ff=24, norm_first=False, act="relu", eps=1e-6,
         src=20, tgt=18, unk=None, pad=None, bos=1, eos=2, src_tok="whitespace", tgt_tok="whitespace",
         encoding="base64", max_length=5, positions=12, scale=2.0, emb=1.0, eos_bias=0.0, seed=505),
    dict(name="tx-d20-h5-pre-gelu", d=20, nhead=5, enc=1, dec=2, ff=48, norm_first=True, act="gelu", eps=1e-5,
         src=50, tgt=45, unk=3, pad=0, bos=1, eos=2, src_tok="words", tgt_tok="characters", encoding="base64",
         max_length=None, positions=20, scale=1.5, emb=1.0, eos_bias=1.0, seed=606),
]


def f32(x):
    """A float32 value as the shortest decimal that reads back as it."""
    return float(repr(np.float32(x)))


def f32_list(t):
    if t.dim() == 0:
        return f32(t.item())
    return [f32_list(x) for x in t] if t.dim() > 1 else [f32(x) for x in t.tolist()]


# --------------------------------------------------------------------------
# Vocabularies and sentences


def specials_of(spec):
    s = {spec["bos"]: "<bos>", spec["eos"]: "<eos>"}
    if spec["unk"] is not None:
        s[spec["unk"]] = "<unk>"
    if spec["pad"] is not None:
        s[spec["pad"]] = "<pad>"
    return s


def make_vocab(size, spec, side, tok_type, rng):
    specials = specials_of(spec)
    n_plain = size - len(specials)
    if tok_type == "characters":
        pool = LETTERS[:] if side == "source" else CJK[:]
        extra = []
    elif tok_type == "whitespace":
        prefix = "W" if side == "source" else "T"
        extra = WS_WORDS[:] if side == "source" else ["T1,", "t1", "«T»"]
        pool = ["%s%d" % (prefix, i) for i in range(size)]
    elif side == "source":
        extra = (WORDY + PUNCT)[:n_plain // 2]
        pool = ["w%d" % i for i in range(size)]
    else:
        extra = PUNCT[:3]
        pool = ["t%d" % i for i in range(size)]
    plain = (extra + [w for w in pool if w not in extra])[:n_plain]
    assert len(plain) == n_plain, (side, size, len(plain))
    rng.shuffle(plain)
    it = iter(plain)
    return [specials[i] if i in specials else next(it) for i in range(size)]


def write_text(tokens, tok_type, rng):
    """Text whose tokenization is `tokens`."""
    if tok_type == "characters":
        return "".join(t + (" " if rng.random() < 0.3 else "") for t in tokens).strip()
    if tok_type == "whitespace":
        out = rng.choice(["", "", " ", "\u3000"])
        for i, t in enumerate(tokens):
            out += t + (rng.choice(SPACES) if i < len(tokens) - 1 else "")
        return out + rng.choice(["", "", "\t", "\u00a0"])
    parts = []
    for i, t in enumerate(tokens):
        w = t
        if (rng.random() < 0.3 or i == 0) and t != "straße":
            w = w[:1].upper() + w[1:]
        if parts and t in PUNCT and rng.random() < 0.6:
            parts[-1] += w
        else:
            parts.append(w)
    return " ".join(parts)


# --------------------------------------------------------------------------
# The model and PyTorch's attention


def build_model(spec):
    torch.manual_seed(spec["seed"])
    model = Seq2SeqTransformer(spec["enc"], spec["dec"], spec["d"], spec["nhead"], spec["src"], spec["tgt"],
                               dim_feedforward=spec["ff"], dropout=0.1, norm_first=spec["norm_first"],
                               activation=spec["act"], layer_norm_eps=spec["eps"], maxlen=spec["positions"])
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and name.endswith(".weight"):
                p.uniform_(0.6, 1.4)
            elif name.endswith("bias"):
                p.uniform_(-0.3, 0.3)
            elif "emb" in name:
                p.normal_(0.0, spec["emb"])
            else:
                p.mul_(spec["scale"])
        model.generator.bias[spec["eos"]] += spec["eos_bias"]
    model.eval()
    return model


def _mha(attn, q, kv, mask):
    """The layer's nn.MultiheadAttention, asking for the weights per head."""
    out, w = attn(q, kv, kv, attn_mask=mask, key_padding_mask=None, need_weights=True, average_attn_weights=False)
    return out, w[0]  # batch 1: [head][query][key]


@torch.no_grad()
def encode_with_attention(model, src, src_mask):
    """model.encode, layer by layer as nn.TransformerEncoderLayer.forward
    (the slow path: batch_first False) computes it. Returns (memory,
    [layer][head][source][source])."""
    x = model.positional_encoding(model.src_tok_emb(src))
    weights = []
    for layer in model.transformer.encoder.layers:
        if layer.norm_first:
            h = layer.norm1(x)  # one tensor for query, key and value, as _sa_block passes it
            a, w = _mha(layer.self_attn, h, h, src_mask)
            x = x + layer.dropout1(a)
            x = x + layer._ff_block(layer.norm2(x))
        else:
            a, w = _mha(layer.self_attn, x, x, src_mask)
            x = layer.norm1(x + layer.dropout1(a))
            x = layer.norm2(x + layer._ff_block(x))
        weights.append(w)
    return model.transformer.encoder.norm(x), weights


@torch.no_grad()
def decode_with_attention(model, ys, memory, tgt_mask):
    """model.decode, layer by layer as nn.TransformerDecoderLayer.forward
    computes it. Returns (output, self [layer][head][t][t], cross [layer][head][t][source])."""
    x = model.positional_encoding(model.tgt_tok_emb(ys))
    self_w, cross_w = [], []
    for layer in model.transformer.decoder.layers:
        if layer.norm_first:
            h = layer.norm1(x)
            a, sw = _mha(layer.self_attn, h, h, tgt_mask)
            x = x + layer.dropout1(a)
            a, cw = _mha(layer.multihead_attn, layer.norm2(x), memory, None)
            x = x + layer.dropout2(a)
            x = x + layer._ff_block(layer.norm3(x))
        else:
            a, sw = _mha(layer.self_attn, x, x, tgt_mask)
            x = layer.norm1(x + layer.dropout1(a))
            a, cw = _mha(layer.multihead_attn, x, memory, None)
            x = layer.norm2(x + layer.dropout2(a))
            x = layer.norm3(x + layer._ff_block(x))
        self_w.append(sw)
        cross_w.append(cw)
    return model.transformer.decoder.norm(x), self_w, cross_w


@torch.no_grad()
def run(model, spec, src_ids, n_steps, forced=None):
    """Greedy (forced None) or forced decoding as the tutorial's
    greedy_decode computes it, with every attention weight. Returns a dict
    of float tensors / lists (no JSON yet)."""
    bos, eos = spec["bos"], spec["eos"]
    src = torch.tensor([bos] + src_ids + [eos], dtype=torch.long).view(-1, 1)
    n = src.shape[0]
    assert n <= spec["positions"], "source longer than max_positions"
    src_mask = torch.zeros(n, n).type(torch.bool)
    memory, enc_w = encode_with_attention(model, src, src_mask)
    assert torch.equal(memory, model.encode(src, src_mask)), "encoder re-run differs from model.encode"
    ys = [bos]
    steps, cross, dself, margins = [], [], [], []
    causal = 0.0
    for t in range(n_steps):
        assert len(ys) <= spec["positions"], "target longer than max_positions"
        y = torch.tensor(ys, dtype=torch.long).view(-1, 1)
        tgt_mask = generate_square_subsequent_mask(len(ys)).type(torch.bool)
        out, sw, cw = decode_with_attention(model, y, memory, tgt_mask)
        assert torch.equal(out, model.decode(y, memory, tgt_mask)), "decoder re-run differs from model.decode"
        logits = model.generator(out.transpose(0, 1)[:, -1])[0]      # the tutorial's prob
        lp32 = torch.log_softmax(logits, dim=-1)
        lp = torch.log_softmax(logits.double(), dim=-1)
        order = torch.sort(lp32, descending=True, stable=True).indices.tolist()
        choice = order[0] if forced is None else forced[t]
        if forced is None:
            assert choice == int(torch.max(logits, dim=0)[1]) or lp32[order[0]] - lp32[order[1]] < TIE_MARGIN
        margins.append(float(lp32[order[0]] - lp32[order[1]]))
        # rows of the last position (the input of step t)
        cross.append([w[:, -1, :] for w in cw])                # [layer] -> [head][source]
        dself.append([w[:, -1, :] for w in sw])                # [layer] -> [head][t + 1]
        last = cw[-1][:, -1, :]
        steps.append({"input": ys[-1], "output": choice, "logprob": lp, "order": order,
                      "attention": last.sum(dim=0) / last.shape[0]})
        if t > 0:
            # causality: the earlier rows do not change when the prefix grows
            # (but for PyTorch's float32 rounding, measured here)
            for layer, w in enumerate(sw):
                assert float(w[:, -2, t].abs().max()) == 0.0, "decoder self-attention is not causal"
                causal = max(causal, float((w[:, -2, :t] - dself[t - 1][layer]).abs().max()))
        ys.append(choice)
        if forced is None and choice == eos:
            break
    return {"enc": enc_w, "cross": cross, "dself": dself, "steps": steps, "margin": min(margins), "causal": causal,
            "ids": [s["output"] for s in steps]}


def check_distributions(r, n_src):
    for layer in r["enc"]:
        assert layer.shape[1:] == (n_src, n_src)
        assert (layer >= 0).all() and torch.allclose(layer.sum(-1), torch.ones_like(layer.sum(-1)), atol=1e-5)
    for t, (crow, srow) in enumerate(zip(r["cross"], r["dself"])):
        for c, s in zip(crow, srow):
            assert c.shape[1] == n_src and s.shape[1] == t + 1
            assert (c >= 0).all() and torch.allclose(c.sum(-1), torch.ones_like(c.sum(-1)), atol=1e-5)
            assert (s >= 0).all() and torch.allclose(s.sum(-1), torch.ones_like(s.sum(-1)), atol=1e-5)
        a = r["steps"][t]["attention"]
        assert abs(float(a.sum()) - 1) < 1e-5


def to_case(r, kind, text, source_tokens, source_unknown, tgt_vocab, extra=None):
    n_dec = len(r["cross"][0])
    n_head = r["cross"][0][0].shape[0]
    n = len(r["steps"])
    steps = []
    for s in r["steps"]:
        lp = s["logprob"]
        steps.append({
            "input": tgt_vocab[s["input"]],
            "output": tgt_vocab[s["output"]],
            "prob": math.exp(float(lp[s["output"]])),
            "logprob": float(lp[s["output"]]),
            "attention": f32_list(s["attention"]),
            "top": [[tgt_vocab[j], float(lp[j])] for j in s["order"][:TOP]],
        })
    cross = [[[f32_list(r["cross"][t][L][h]) for t in range(n)] for h in range(n_head)] for L in range(n_dec)]
    dself = [[[f32_list(r["dself"][t][L][h]) + [0.0] * (n - 1 - t) for t in range(n)] for h in range(n_head)]
             for L in range(n_dec)]
    enc = [f32_list(w) for w in r["enc"]]
    case = {"kind": kind, "source": text, "source_tokens": source_tokens, "source_unknown": source_unknown,
            "target_tokens": [s["output"] for s in steps], "steps": steps}
    case.update(extra or {})
    case.update({"cross_attention": cross, "decoder_self_attention": dself, "encoder_self_attention": enc})
    return case


def compare_precision(r32, r64, worst):
    """PyTorch float32 against the same model in float64, same tokens."""
    for s32, s64 in zip(r32["steps"], r64["steps"]):
        d = float((s32["logprob"] - s64["logprob"]).abs().max())  # all candidates
        worst["logprob"] = max(worst["logprob"], d)
        worst["attention"] = max(worst["attention"],
                                 float((s32["attention"].double() - s64["attention"]).abs().max()))
    for a, b in zip(r32["enc"], r64["enc"]):
        worst["attention"] = max(worst["attention"], float((a.double() - b).abs().max()))
    for t in range(len(r32["steps"])):
        for k in ("cross", "dself"):
            for a, b in zip(r32[k][t], r64[k][t]):
                worst["attention"] = max(worst["attention"], float((a.double() - b).abs().max()))


def n_steps_for(spec, n_src_tokens):
    """decoding.max_length, or the tutorial's num_tokens + 4."""
    return spec["max_length"] if spec["max_length"] is not None else n_src_tokens + 2 + 4


def reference_case(model, model64, spec, src_vocab, tgt_vocab, text, toks, worst, kind="greedy", forced=None,
                   extra=None, keep_near_ties=False):
    """One reference case: PyTorch's greedy (forced None) or forced decoding
    of the source tokens toks (of text), with every attention weight, after
    the checks (greedy tokens = translate_ids', rows are distributions) and
    the float32 vs float64 measurement (into worst). Returns (case, run), or
    None for a greedy case with a near tie unless keep_near_ties. Also used
    by golden.py for a bundled Transformer (spec from its model file)."""
    src_index = {w: i for i, w in enumerate(src_vocab)}
    ids = [src_index.get(t, spec["unk"]) for t in toks]
    n = len(forced) if forced is not None else n_steps_for(spec, len(toks))
    r = run(model, spec, ids, n, forced)
    if forced is None:
        if r["margin"] < TIE_MARGIN and not keep_near_ties:
            return None
        tut = translate_ids(model, ids, spec["bos"], spec["eos"])
        k = min(len(tut), len(r["ids"]))
        assert r["ids"][:k] == tut[:k] and (len(r["ids"]) == len(tut) or spec["max_length"] is not None), \
            ("greedy ids differ from translate_ids", r["ids"], tut)
    check_distributions(r, len(ids) + 2)
    r64 = run(model64, spec, ids, len(r["ids"]), r["ids"])
    compare_precision(r, r64, worst)
    worst["prefix"] = max(worst["prefix"], r["causal"])
    bos_tok, eos_tok = src_vocab[spec["bos"]], src_vocab[spec["eos"]]
    return to_case(r, kind, text, [bos_tok] + toks + [eos_tok],
                   [False] + [t not in src_index for t in toks] + [False], tgt_vocab, extra), r


def make_cases(model, model64, spec, src_vocab, tgt_vocab, rng, worst):
    specials = set(specials_of(spec))
    src_plain = [i for i in range(len(src_vocab)) if i not in specials]
    tgt_plain = [i for i in range(len(tgt_vocab)) if i not in specials]
    tgt_index = {w: i for i, w in enumerate(tgt_vocab)}
    cases = []

    def greedy_case(text, toks, kind="greedy", forced=None, extra=None):
        return reference_case(model, model64, spec, src_vocab, tgt_vocab, text, toks, worst, kind, forced, extra)

    n_ok, tries = 0, 0
    while n_ok < N_SENTENCES and tries < 500:
        tries += 1
        length = rng.randint(1, MAX_WORDS)
        toks = [src_vocab[rng.choice(src_plain)] for _ in range(length)]
        if spec["unk"] is not None and spec["src_tok"] != "characters" and rng.random() < 0.5:
            toks.insert(rng.randint(0, len(toks)), "zq%d" % rng.randint(0, 99))
        text = write_text(toks, spec["src_tok"], rng)
        got = tokenize(text, spec["src_tok"])
        assert got == toks, (text, got, toks)
        g = greedy_case(text, toks)
        if g is None:
            continue
        flen = rng.randint(1, 5)
        ftoks = [tgt_vocab[rng.choice(tgt_plain)] for _ in range(flen)]
        ftext = write_text(ftoks, spec["tgt_tok"], rng) if spec["tgt_tok"] != "words" else " ".join(ftoks)
        assert tokenize(ftext, spec["tgt_tok"]) == ftoks, (ftext, ftoks)
        forced_ids = [tgt_index[t] for t in ftoks] + [spec["eos"]]
        f, _ = greedy_case(text, toks, "forced", forced_ids, {"target": ftext})
        cases += [g[0], f]
        n_ok += 1
    if n_ok < N_SENTENCES:
        raise RuntimeError("%s: could not find %d sentences without near ties" % (spec["name"], N_SENTENCES))
    if spec["unk"] is not None and spec["src_tok"] in ("words", "whitespace"):
        # Tokenizer edge cases (Unicode lower-casing, white space beyond
        # ASCII, apostrophes, ligatures); unknown words map to <unk>.
        for text in (TRICKY if spec["src_tok"] == "words" else TRICKY_WS)[:3]:
            g = greedy_case(text, tokenize(text, spec["src_tok"]))
            if g is not None:
                cases.append(g[0])
    if spec["unk"] is None and spec["src_tok"] in ("words", "whitespace"):
        words = [src_vocab[rng.choice(src_plain)] for _ in range(3)]
        words.insert(1, "qqqzz")
        cases.append({"kind": "refused", "source": " ".join(words), "unknown_words": ["qqqzz"]})
    return cases


def write_reference(path, ref):
    """JSON with one case per line (the attention arrays make cases long)."""
    head = {k: v for k, v in ref.items() if k != "cases"}
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(json.dumps(head, ensure_ascii=False)[:-1])
        f.write(', "cases": [\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in ref["cases"]))
        f.write("\n]}\n")
    os.replace(path + ".tmp", path)


def main(argv):
    if len(argv) != 2:
        print("usage: %s OUTDIR" % argv[0], file=sys.stderr)
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    torch.set_num_threads(1)  # deterministic and polite on a shared machine
    worst_all = {"attention": 0.0, "logprob": 0.0, "prefix": 0.0}
    for spec in MODELS:
        rng = random.Random(spec["seed"])
        src_vocab = make_vocab(spec["src"], spec, "source", spec["src_tok"], rng)
        tgt_vocab = make_vocab(spec["tgt"], spec, "target", spec["tgt_tok"], rng)
        model = build_model(spec)
        model64 = build_model(spec).double()
        model64.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
        model_file = spec["name"] + ".json"
        export_transformer(model, src_vocab, tgt_vocab, os.path.join(outdir, model_file),
                           bos_index=spec["bos"], eos_index=spec["eos"], pad_index=spec["pad"],
                           unk_index=spec["unk"], source_tokenizer=spec["src_tok"], target_tokenizer=spec["tgt_tok"],
                           max_target_length=spec["max_length"],
                           metadata={"name": spec["name"], "description": "random weights for parity tests",
                                     "license": "CC0-1.0"},
                           encoding=spec["encoding"], max_positions=spec["positions"])
        # the file holds the model's weights (the positional encoding cut to max_positions rows)
        back, _ = load_transformer(os.path.join(outdir, model_file))
        for k, v in model.state_dict().items():
            assert torch.equal(back.state_dict()[k], v[:spec["positions"]] if k.startswith("positional") else v), k
        worst = {"attention": 0.0, "logprob": 0.0, "prefix": 0.0}
        cases = make_cases(model, model64, spec, src_vocab, tgt_vocab, rng, worst)
        assert max(worst["attention"], worst["prefix"]) < ATTENTION_TOL / 4 and worst["logprob"] < LOGPROB_TOL / 4, \
            ("%s: PyTorch float32 is too far from float64 for the tolerances" % spec["name"], worst)
        ref = {"model": model_file, "architecture": "transformer", "max_length": spec["max_length"], "cases": cases}
        write_reference(os.path.join(outdir, spec["name"] + ".ref.json"), ref)
        for k in worst_all:
            worst_all[k] = max(worst_all[k], worst[k])
        print("%s: %d cases; PyTorch float32 vs float64: attention %.2g, log-probability %.2g; "
              "a row computed again with a longer prefix: %.2g" % (spec["name"], len(cases), worst["attention"],
                                                                    worst["logprob"], worst["prefix"]))
    print("largest differences: float32 vs float64 attention %.2g, log-probability %.2g; longer prefix %.2g"
          % (worst_all["attention"], worst_all["logprob"], worst_all["prefix"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
