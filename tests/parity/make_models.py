#!/usr/bin/python3
"""Make parity reference data: small random-weight tutorial models exported as
AttnScope model files, and PyTorch's own decoding of a few sentences with each.

    /usr/bin/python3 tests/parity/make_models.py OUTDIR

writes, for every model NAME below,
    OUTDIR/NAME.json      the model (tools/attnscope_export.py)
    OUTDIR/NAME.ref.json  PyTorch's results, read by check_parity.py

A reference file:
{
  "model": "NAME.json",
  "cases": [
    { "kind": "greedy", "source": "W3, w7 don't.", "source_tokens": ["w3", ",", ..., "EOS"],
      "source_unknown": [false, ...],            # per source token: mapped to the unknown id
      "target_tokens": [...], "steps": [STEP, ...] },
    { "kind": "forced", "source": ..., "target": "t5 t2", ... same fields ... },
    { "kind": "refused", "source": "w3 qqq", "unknown_words": ["qqq"] }   # model without unknown id
  ]
}
STEP = {"input": str, "output": str, "prob": float, "logprob": float,
        "attention": [float per source token], "top": [[token, logprob], ...25 best]}

The models vary what an engine could get wrong: hidden size, vocabulary
sizes, the special ids (not always 0 / 1), with and without an unknown token,
words and characters tokenizers on either side (with capitals, punctuation,
apostrophes and non-ASCII letters in the sentences), JSON and base64 tensor
data, several max lengths, and weights scaled up so that attention and
softmax are far from uniform. Greedy cases whose top two tokens are closer
than 1e-3 in log-probability at some step are not used, so that float32
rounding cannot legitimately change the argmax.
"""

import json
import math
import os
import random
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from attnscope_export import export_gru_attention  # noqa: E402
from attnscope_tutorial import AttnDecoderRNN, EncoderRNN, tokenize  # noqa: E402

TIE_MARGIN = 1e-3
# Candidates kept per step: the CLI shows at most 20 (AS_MAX_TOP); 5 more so
# that check_parity.py can tell a near tie at the 20th place from a wrong one.
TOP = 25

# Extra source words that exercise the "words" tokenizer (all lower-case: the
# sentences are written with capitals, the tokenizer lower-cases them).
WORDY = ["don't", "i’m", "naïve", "straße", "café", "x2"]
PUNCT = [",", ".", "?", "!", "$", "«", "»"]
TRICKY = [
    "İstanbul, DŽungla!",
    "W1\u00a0w2\u3000w3\u2028w4\tw5",
    "É'x x’y 3'4 ''a don't'",
    "ΣΑΣ ǅx Straße",
    "ﬁ'x ½'3 ⅷ'a w1\u200bw2",
]
CJK = [chr(0x4E00 + 7 * i) for i in range(400)]          # target "characters"
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["é", "ß", "ø", "3", "7", "?", ","]

MODELS = [
    # name, hidden, source size, target size, unk, sos, eos, source tok, target tok, encoding, max_length, scale, eos_bias, seed
    dict(name="tiny-h8", hidden=8, src=12, tgt=15, unk=2, sos=0, eos=1, src_tok="words", tgt_tok="words",
         encoding="json", max_length=10, scale=2.0, eos_bias=0.0, seed=11),
    dict(name="small-h32-nounk", hidden=32, src=40, tgt=50, unk=None, sos=0, eos=1, src_tok="words",
         tgt_tok="words", encoding="base64", max_length=12, scale=2.5, eos_bias=0.5, seed=22),
    dict(name="medium-h64-cjk", hidden=64, src=100, tgt=90, unk=2, sos=0, eos=1, src_tok="words",
         tgt_tok="characters", encoding="base64", max_length=20, scale=2.0, eos_bias=1.0, seed=33),
    dict(name="chars-h16-ids", hidden=16, src=33, tgt=20, unk=None, sos=3, eos=5, src_tok="characters",
         tgt_tok="words", encoding="json", max_length=8, scale=3.0, eos_bias=1.5, seed=44),
    dict(name="wide-h48-unk7", hidden=48, src=70, tgt=64, unk=7, sos=1, eos=0, src_tok="words",
         tgt_tok="words", encoding="base64", max_length=15, scale=1.0, eos_bias=0.0, seed=55),
]


def make_vocab(size, spec, side, tok_type, rng):
    """Vocabulary of `size` entries with the special tokens at their ids."""
    specials = {spec["sos"]: "SOS", spec["eos"]: "EOS"}
    if spec["unk"] is not None:
        specials[spec["unk"]] = "<unk>"
    if side == "source" and tok_type == "characters":
        pool = LETTERS[:]
    elif side == "target" and tok_type == "characters":
        pool = CJK[:]
    elif side == "source":
        pool = ["w%d" % i for i in range(size)] + WORDY + PUNCT
    else:
        pool = ["t%d" % i for i in range(size)] + PUNCT[:3]
    n_plain = size - len(specials)
    if side == "source" and tok_type == "words":
        # Keep the tokenizer-exercising words and punctuation in the vocabulary.
        extra = (WORDY + PUNCT)[:n_plain // 2]
        plain = extra + [w for w in pool if w not in extra][:n_plain - len(extra)]
    else:
        plain = pool[:n_plain]
    assert len(plain) == n_plain, (side, size, len(plain))
    rng.shuffle(plain)
    vocab, it = [], iter(plain)
    for i in range(size):
        vocab.append(specials[i] if i in specials else next(it))
    return vocab


def build_model(spec):
    torch.manual_seed(spec["seed"])
    enc = EncoderRNN(spec["src"], spec["hidden"])
    dec = AttnDecoderRNN(spec["hidden"], spec["tgt"])
    with torch.no_grad():
        for p in list(enc.parameters()) + list(dec.parameters()):
            p.mul_(spec["scale"])
        dec.out.bias[spec["eos"]] += spec["eos_bias"]
    enc.eval()
    dec.eval()
    return enc, dec


def specials_of(spec):
    return {spec["sos"], spec["eos"]} | ({spec["unk"]} if spec["unk"] is not None else set())


def write_sentence(tokens, tok_type, rng):
    """Text whose tokenization is `tokens`: capitals, and punctuation glued
    to the word before it, for words; random spacing for characters."""
    if tok_type == "characters":
        out = []
        for t in tokens:
            out.append(t)
            if rng.random() < 0.3:
                out.append(" ")
        return "".join(out).strip()
    parts = []
    for i, t in enumerate(tokens):
        w = t
        if rng.random() < 0.3 or i == 0:
            w = w[:1].upper() + w[1:] if w not in ("straße",) else w
        if parts and len(t) == 1 and t in PUNCT and rng.random() < 0.6:
            parts[-1] += w
        else:
            parts.append(w)
    return " ".join(parts)


@torch.no_grad()
def run(enc, dec, spec, src_ids, src_vocab, tgt_vocab, forced=None):
    """Greedy (forced None) or forced decoding, step by step with
    forward_step, as the engine does it."""
    src = torch.tensor([src_ids], dtype=torch.long)
    enc_out, hidden = enc(src)
    inp = spec["sos"]
    steps = []
    n_steps = spec["max_length"] if forced is None else len(forced)
    for i in range(n_steps):
        out, hidden, attn = dec.forward_step(torch.tensor([[inp]], dtype=torch.long), hidden, enc_out)
        logp = torch.log_softmax(out[0, 0].double(), dim=-1)  # float32 logits, log_softmax in double
        logp32 = torch.log_softmax(out[0, 0], dim=-1)
        order = torch.sort(logp32, descending=True, stable=True).indices.tolist()  # ties: lower id first
        choice = order[0] if forced is None else forced[i]
        margin = float(logp32[order[0]] - logp32[order[1]]) if len(order) > 1 else float("inf")
        steps.append({
            "input": tgt_vocab[inp],
            "output": tgt_vocab[choice],
            "prob": math.exp(float(logp[choice])),
            "logprob": float(logp[choice]),
            "attention": [float(a) for a in attn[0, 0]],
            "top": [[tgt_vocab[j], float(logp[j])] for j in order[:TOP]],
            "_margin": margin,
        })
        inp = choice
        if forced is None and choice == spec["eos"]:
            break
    return steps


def make_cases(enc, dec, spec, src_vocab, tgt_vocab, rng):
    cases = []
    sp = specials_of(spec)
    src_plain = [i for i in range(len(src_vocab)) if i not in sp]
    tgt_plain = [i for i in range(len(tgt_vocab)) if i not in sp]
    src_index = {w: i for i, w in enumerate(src_vocab)}
    n_greedy, tries = 0, 0
    while n_greedy < 4 and tries < 500:
        tries += 1
        length = rng.randint(1, 9)
        toks = [src_vocab[rng.choice(src_plain)] for _ in range(length)]
        unknown = []
        if spec["unk"] is not None and spec["src_tok"] == "words" and rng.random() < 0.5:
            # An out-of-vocabulary word: maps to the unknown id.
            toks.insert(rng.randint(0, len(toks)), "zq%d" % rng.randint(0, 99))
        text = write_sentence(toks, spec["src_tok"], rng)
        got = tokenize(text, spec["src_tok"])
        assert got == toks, (text, got, toks)
        ids = [src_index.get(t, spec["unk"]) for t in toks] + [spec["eos"]]
        unknown = [t not in src_index for t in toks] + [False]
        greedy = run(enc, dec, spec, ids, src_vocab, tgt_vocab)
        if min(s["_margin"] for s in greedy) < TIE_MARGIN:
            continue
        # A forced target: random target tokens + end, shorter than max_length.
        flen = rng.randint(1, spec["max_length"] - 1)
        ftoks = [tgt_vocab[rng.choice(tgt_plain)] for _ in range(flen)]
        if spec["tgt_tok"] == "characters":
            ftext = "".join(t + (" " if rng.random() < 0.2 else "") for t in ftoks).strip()
        else:
            ftext = " ".join(ftoks)
        assert tokenize(ftext, spec["tgt_tok"]) == ftoks, (ftext, ftoks)
        tgt_index = {w: i for i, w in enumerate(tgt_vocab)}
        forced_ids = [tgt_index[t] for t in ftoks] + [spec["eos"]]
        forced = run(enc, dec, spec, ids, src_vocab, tgt_vocab, forced_ids)
        source_tokens = toks + [src_vocab[spec["eos"]]]
        for kind, steps, extra in (("greedy", greedy, {}), ("forced", forced, {"target": ftext})):
            for s in steps:
                del s["_margin"]
            case = {"kind": kind, "source": text, "source_tokens": source_tokens,
                    "source_unknown": unknown, "target_tokens": [s["output"] for s in steps],
                    "steps": steps}
            case.update(extra)
            cases.append(case)
        n_greedy += 1
    if n_greedy < 4:
        raise RuntimeError("%s: could not find 4 sentences without near ties" % spec["name"])
    if spec["unk"] is not None and spec["src_tok"] == "words":
        # Sentences where tokenizers commonly differ: full Unicode lower-casing
        # (İ -> i + combining dot, final sigma), white space beyond ASCII,
        # apostrophes next to marks, numbers and ligatures. Unknown words map
        # to the unknown id, so the whole decoding is compared too.
        for text in TRICKY:
            toks = tokenize(text, "words")
            ids = [src_index.get(t, spec["unk"]) for t in toks] + [spec["eos"]]
            greedy = run(enc, dec, spec, ids, src_vocab, tgt_vocab)
            if min(s["_margin"] for s in greedy) < TIE_MARGIN:
                continue
            for s in greedy:
                del s["_margin"]
            cases.append({"kind": "greedy", "source": text, "source_tokens": toks + [src_vocab[spec["eos"]]],
                          "source_unknown": [t not in src_index for t in toks] + [False],
                          "target_tokens": [s["output"] for s in greedy], "steps": greedy})
    if spec["unk"] is None and spec["src_tok"] == "words":
        words = [src_vocab[rng.choice(src_plain)] for _ in range(3)]
        words.insert(1, "qqqzz")
        cases.append({"kind": "refused", "source": " ".join(words), "unknown_words": ["qqqzz"]})
    return cases


def main(argv):
    if len(argv) != 2:
        print("usage: %s OUTDIR" % argv[0], file=sys.stderr)
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    for spec in MODELS:
        rng = random.Random(spec["seed"])
        src_vocab = make_vocab(spec["src"], spec, "source", spec["src_tok"], rng)
        tgt_vocab = make_vocab(spec["tgt"], spec, "target", spec["tgt_tok"], rng)
        enc, dec = build_model(spec)
        model_file = spec["name"] + ".json"
        export_gru_attention(enc, dec, src_vocab, tgt_vocab, os.path.join(outdir, model_file),
                             sos_index=spec["sos"], eos_index=spec["eos"], unk_index=spec["unk"],
                             source_tokenizer=spec["src_tok"], target_tokenizer=spec["tgt_tok"],
                             max_target_length=spec["max_length"],
                             metadata={"name": spec["name"], "description": "random weights for parity tests",
                                       "license": "CC0-1.0"},
                             encoding=spec["encoding"])
        cases = make_cases(enc, dec, spec, src_vocab, tgt_vocab, rng)
        ref = {"model": model_file, "max_length": spec["max_length"], "cases": cases}
        with open(os.path.join(outdir, spec["name"] + ".ref.json"), "w", encoding="utf-8") as f:
            json.dump(ref, f, ensure_ascii=False, indent=1)
            f.write("\n")
        print("%s: %d cases" % (spec["name"], len(cases)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
