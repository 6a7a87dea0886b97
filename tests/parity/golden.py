#!/usr/bin/python3
"""Golden output of a shipped English -> Chinese model, by PyTorch.

    /usr/bin/python3 tests/parity/golden.py [--model data/models/en-zh-gru.json]
        [--out tests/golden/NAME.expected.json] [--checkpoint CHECKPOINT.pt]
        [--sentences SENTENCE...]

Loads the exported model file back into the tutorial's PyTorch modules
(tools/attnscope_export.load_gru_attention, so the export round trip is part
of what is tested), decodes a few fixed short sentences greedily step by step
(forward_step, from the start token until the end token or max_length), and
writes PyTorch's target tokens, probabilities and attention rows in the
reference format of make_models.py. check_parity.py checks the C CLI
against it:

    python3 tests/parity/check_parity.py build/src/cli/attnscope-cli tests/golden/en-zh-gru.expected.json

With --checkpoint (the training script's .pt), it also checks that the
weights read back from the model file are bit-identical to the trained ones.
--out defaults to tests/golden/NAME.expected.json for the model file
NAME.json; --sentences replaces the 8 sentences (for a model that does not
know their words, such as data/models/tiny-transformer.json).

A model file with "architecture": "transformer" (data/models/en-zh-transformer.json)
is loaded with tools/attnscope_export.load_transformer and decoded as
make_transformer_models.py decodes its random Transformers, by the same
code (its reference_case): the tutorial's greedy rule (the whole prefix
through model.decode; at most the file's decoding.max_length steps, or
without it the tutorial's num_tokens + 4), checked against the tutorial's
translate_ids, with every layer's and head's cross_attention,
decoder_self_attention and encoder_self_attention from PyTorch's own
nn.MultiheadAttention modules, in make_transformer_models.py's reference
format (one case per line). It prints how far PyTorch's float32 results are
from the same model in float64 (make_transformer_models.py's measurement),
which is what check_parity.py's BUNDLED_TOL entry for the model rests on.
"""

import argparse
import copy
import json
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, HERE)
from attnscope_export import load_checkpoint, load_gru_attention  # noqa: E402
from attnscope_tokenize import tokenize  # noqa: E402

SENTENCES = [
    "I am hungry.",
    "He is a teacher.",
    "Where is the station?",
    "I love you.",
    "Thank you.",
    "I don't know.",
    "What is your name?",
    "It's raining.",
]
TOP = 25  # the CLI shows at most 20 (AS_MAX_TOP); 5 more for near ties at the 20th place
TIE_MARGIN = 1e-3


@torch.no_grad()
def greedy(encoder, decoder, model, sentence):
    src, tgt = model["source"], model["target"]
    s_index = {w: i for i, w in enumerate(src["vocabulary"])}
    toks = tokenize(sentence, src["tokenizer"]["type"], src["tokenizer"].get("lowercase"))
    unk = src["special"].get("unknown")
    if unk is None and any(t not in s_index for t in toks):
        raise ValueError("%r: words unknown to the model" % sentence)
    ids = [s_index.get(t, unk) for t in toks] + [src["special"]["end"]]
    enc_out, hidden = encoder(torch.tensor([ids], dtype=torch.long))
    inp = tgt["special"]["start"]
    end = tgt["special"]["end"]
    vocab = tgt["vocabulary"]
    steps = []
    min_margin = float("inf")
    for _ in range(model.get("decoding", {}).get("max_length", 10)):
        out, hidden, attn = decoder.forward_step(torch.tensor([[inp]], dtype=torch.long), hidden, enc_out)
        logp32 = torch.log_softmax(out[0, 0], dim=-1)
        logp = torch.log_softmax(out[0, 0].double(), dim=-1)
        order = torch.sort(logp32, descending=True, stable=True).indices.tolist()  # ties: lower id first
        choice = order[0]
        min_margin = min(min_margin, float(logp32[order[0]] - logp32[order[1]]))
        steps.append({"input": vocab[inp], "output": vocab[choice], "prob": math.exp(float(logp[choice])),
                      "logprob": float(logp[choice]), "attention": [float(a) for a in attn[0, 0]],
                      "top": [[vocab[j], float(logp[j])] for j in order[:TOP]]})
        inp = choice
        if choice == end:
            break
    case = {"kind": "greedy", "source": sentence,
            "source_tokens": toks + [src["vocabulary"][src["special"]["end"]]],
            "source_unknown": [t not in s_index for t in toks] + [False],
            "target_tokens": [s["output"] for s in steps],
            "text": tgt.get("join", "").join(s["output"] for s in steps if s["output"] != vocab[end]),
            "steps": steps}
    return case, min_margin


def transformer_golden(args, sentences):
    """The golden references of a Transformer model file (see the docstring)."""
    import make_transformer_models as mtm
    from attnscope_export import load_transformer
    torch.set_num_threads(1)  # deterministic, as make_transformer_models.py
    model, doc = load_transformer(args.model)
    model64 = copy.deepcopy(model).double()
    src, tgt = doc["source"], doc["target"]
    ss, ts = src["special"], tgt["special"]
    if (ss["start"], ss["end"]) != (ts["start"], ts["end"]):
        raise SystemExit("%s: source and target start/end ids differ (%s, %s); the tutorial's decoding "
                         "uses one pair" % (args.model, (ss["start"], ss["end"]), (ts["start"], ts["end"])))
    spec = {"bos": ss["start"], "eos": ss["end"], "unk": ss.get("unknown"),
            "positions": doc["hyperparameters"]["max_positions"],
            "max_length": doc.get("decoding", {}).get("max_length")}
    if args.checkpoint:
        ck = load_checkpoint(args.checkpoint)  # never runs code from the file
        P = spec["positions"]
        for name, t in model.state_dict().items():
            want = ck["state_dict"][name]
            if name.startswith("positional"):
                want = want[:P]  # the file holds max_positions rows
            if not torch.equal(t, want.float()):
                raise SystemExit("round trip: %s differs from the checkpoint" % name)
        print("round trip: the model file's weights equal the checkpoint's")

    s_index = {w: i for i, w in enumerate(src["vocabulary"])}
    end_tok = tgt["vocabulary"][spec["eos"]]
    worst = {"attention": 0.0, "logprob": 0.0, "prefix": 0.0}
    cases = []
    for s in sentences:
        toks = tokenize(s, src["tokenizer"]["type"], src["tokenizer"].get("lowercase"))
        if spec["unk"] is None and any(t not in s_index for t in toks):
            raise ValueError("%r: words unknown to the model" % s)
        case, r = mtm.reference_case(model, model64, spec, src["vocabulary"], tgt["vocabulary"], s, toks, worst,
                                     keep_near_ties=True)
        if r["margin"] < TIE_MARGIN:
            print("warning: %r has a near tie (margin %.2g) at some step" % (s, r["margin"]), file=sys.stderr)
        text = tgt.get("join", "").join(t for t in case["target_tokens"] if t != end_tok)
        with_text = {}
        for k, v in case.items():  # "text" after "target_tokens", as in the GRU's golden file
            with_text[k] = v
            if k == "target_tokens":
                with_text["text"] = text
        cases.append(with_text)
        print("%-24s -> %s   (%s)" % (s, text, " ".join("%.2f" % st["prob"] for st in case["steps"])))
    print("PyTorch float32 vs float64 (as make_transformer_models.py measures it): attention %.2g, "
          "log-probability %.2g; a row computed again with a longer prefix: %.2g"
          % (worst["attention"], worst["logprob"], worst["prefix"]))

    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    ref = {"model": os.path.relpath(os.path.abspath(args.model), out_dir),
           "architecture": "transformer",
           "max_length": spec["max_length"],
           "generated_by": "tests/parity/golden.py (PyTorch %s, greedy decoding of the model file loaded back, "
                           "every layer's and head's attention from nn.MultiheadAttention)" % torch.__version__,
           "cases": cases}
    mtm.write_reference(args.out, ref)
    print("wrote %s" % args.out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(ROOT, "data", "models", "en-zh-gru.json"))
    p.add_argument("--out", help="default: tests/golden/NAME.expected.json for the model file NAME.json")
    p.add_argument("--checkpoint", help="training checkpoint to compare the file's weights with")
    p.add_argument("--sentences", nargs="+", metavar="SENTENCE", default=SENTENCES,
                   help="sentences to decode instead of the 8 fixed ones")
    args = p.parse_args()
    if args.out is None:
        name = os.path.basename(args.model)
        name = name[:-len(".json")] if name.endswith(".json") else name
        args.out = os.path.join(ROOT, "tests", "golden", name + ".expected.json")
    with open(args.model, encoding="utf-8") as f:
        architecture = json.load(f).get("architecture")
    if architecture == "transformer":
        transformer_golden(args, args.sentences)
        return
    torch.set_num_threads(2)

    encoder, decoder, model = load_gru_attention(args.model)
    if args.checkpoint:
        ck = load_checkpoint(args.checkpoint)  # never runs code from the file
        for mod, key in ((encoder, "encoder_state"), (decoder, "decoder_state")):
            for name, t in mod.state_dict().items():
                if not torch.equal(t, ck[key][name].float()):
                    raise SystemExit("round trip: %s differs from the checkpoint" % name)
        print("round trip: the model file's weights equal the checkpoint's")

    cases = []
    for s in args.sentences:
        case, margin = greedy(encoder, decoder, model, s)
        if margin < TIE_MARGIN:
            print("warning: %r has a near tie (margin %.2g) at some step" % (s, margin), file=sys.stderr)
        cases.append(case)
        print("%-24s -> %s   (%s)" % (s, case["text"], " ".join("%.2f" % st["prob"] for st in case["steps"])))

    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    ref = {"model": os.path.relpath(os.path.abspath(args.model), out_dir),
           "max_length": model.get("decoding", {}).get("max_length", 10),
           "generated_by": "tests/parity/golden.py (PyTorch %s, greedy decoding of the model file loaded back)"
                           % torch.__version__,
           "cases": cases}
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(ref, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(tmp, args.out)
    print("wrote %s" % args.out)


if __name__ == "__main__":
    main()
