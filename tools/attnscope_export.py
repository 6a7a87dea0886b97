#!/usr/bin/python3
"""Export a PyTorch tutorial seq2seq model (EncoderRNN + AttnDecoderRNN) to an
AttnScope model file (docs/model-format.md, format version 1), and load one
back into the PyTorch modules.

As a module:

    from attnscope_export import export_gru_attention, load_gru_attention
    export_gru_attention(encoder, decoder, input_lang.index2word,
                         output_lang.index2word, "model.json")
    encoder, decoder, model = load_gru_attention("model.json")

From the command line, on a checkpoint saved by tools/train_gru.py:

    /usr/bin/python3 tools/attnscope_export.py CHECKPOINT.pt OUT.json [--encoding json|base64]
"""

import argparse
import base64
import json
import math
import os
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attnscope_tutorial import AttnDecoderRNN, EncoderRNN  # noqa: E402

FORMAT = "attnscope-model"
FORMAT_VERSION = 1
ARCHITECTURE = "gru-bahdanau"

ENCODER_TENSORS = [
    "embedding.weight",
    "gru.weight_ih_l0",
    "gru.weight_hh_l0",
    "gru.bias_ih_l0",
    "gru.bias_hh_l0",
]
DECODER_TENSORS = [
    "embedding.weight",
    "attention.Wa.weight",
    "attention.Wa.bias",
    "attention.Ua.weight",
    "attention.Ua.bias",
    "attention.Va.weight",
    "attention.Va.bias",
    "gru.weight_ih_l0",
    "gru.weight_hh_l0",
    "gru.bias_ih_l0",
    "gru.bias_hh_l0",
    "out.weight",
    "out.bias",
]
TOKENIZER_TYPES = ("words", "characters")


def expected_shapes(H, S, T):
    """The 18 tensors of architecture gru-bahdanau and their shapes."""
    return {
        "encoder.embedding.weight": [S, H],
        "encoder.gru.weight_ih_l0": [3 * H, H],
        "encoder.gru.weight_hh_l0": [3 * H, H],
        "encoder.gru.bias_ih_l0": [3 * H],
        "encoder.gru.bias_hh_l0": [3 * H],
        "decoder.embedding.weight": [T, H],
        "decoder.attention.Wa.weight": [H, H],
        "decoder.attention.Wa.bias": [H],
        "decoder.attention.Ua.weight": [H, H],
        "decoder.attention.Ua.bias": [H],
        "decoder.attention.Va.weight": [1, H],
        "decoder.attention.Va.bias": [1],
        "decoder.gru.weight_ih_l0": [3 * H, 2 * H],
        "decoder.gru.weight_hh_l0": [3 * H, H],
        "decoder.gru.bias_ih_l0": [3 * H],
        "decoder.gru.bias_hh_l0": [3 * H],
        "decoder.out.weight": [T, H],
        "decoder.out.bias": [T],
    }


def _vocabulary_list(vocab, side):
    """A list of token strings from a list or an id -> token dict."""
    if isinstance(vocab, dict):
        try:
            ids = sorted(int(k) for k in vocab.keys())
        except (TypeError, ValueError):
            raise ValueError("%s vocabulary: dict keys must be integer ids" % side)
        if ids != list(range(len(ids))):
            missing = sorted(set(range(len(ids))) - set(ids))[:5]
            raise ValueError("%s vocabulary: ids must be 0..%d without gaps (missing e.g. %s)"
                             % (side, len(ids) - 1, missing))
        by_id = {int(k): v for k, v in vocab.items()}
        tokens = [by_id[i] for i in range(len(ids))]
    else:
        tokens = list(vocab)
    if not tokens:
        raise ValueError("%s vocabulary is empty" % side)
    if len(tokens) > 1000000:
        raise ValueError("%s vocabulary has %d entries (at most 1,000,000)" % (side, len(tokens)))
    seen = {}
    for i, t in enumerate(tokens):
        if not isinstance(t, str) or t == "":
            raise ValueError("%s vocabulary: id %d is %r, not a non-empty string" % (side, i, t))
        if t in seen:
            raise ValueError("%s vocabulary: %r appears twice (ids %d and %d)" % (side, t, seen[t], i))
        seen[t] = i
    return tokens


def _check_special(name, value, size, side, required):
    if value is None:
        if required:
            raise ValueError("%s side needs a %s token id" % (side, name))
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("%s %s id must be an integer, got %r" % (side, name, value))
    if not 0 <= value < size:
        raise ValueError("%s %s id %d is outside the vocabulary (0..%d)" % (side, name, value, size - 1))
    return value


def _tokenizer_spec(tokenizer, side):
    """'words' / 'characters' or a dict {"type": ..., "lowercase": ...}."""
    if isinstance(tokenizer, str):
        spec = {"type": tokenizer}
    elif isinstance(tokenizer, dict):
        spec = dict(tokenizer)
    else:
        raise ValueError("%s tokenizer must be a string or a dict, got %r" % (side, tokenizer))
    if spec.get("type") not in TOKENIZER_TYPES:
        raise ValueError("%s tokenizer type must be one of %s, got %r" % (side, TOKENIZER_TYPES, spec.get("type")))
    extra = set(spec) - {"type", "lowercase"}
    if extra:
        raise ValueError("%s tokenizer: unknown keys %s" % (side, sorted(extra)))
    if "lowercase" not in spec:
        spec["lowercase"] = spec["type"] == "words"
    if not isinstance(spec["lowercase"], bool):
        raise ValueError("%s tokenizer lowercase must be a boolean" % side)
    return {"type": spec["type"], "lowercase": spec["lowercase"]}


def _tensor_entry(name, t, encoding):
    a = t.detach().cpu().to(torch.float32).contiguous().numpy()
    if not np.isfinite(a).all():
        bad = int((~np.isfinite(a)).sum())
        raise ValueError("%s has %d non-finite values (NaN or infinity)" % (name, bad))
    shape = list(a.shape)
    if encoding == "base64":
        data = base64.b64encode(a.astype("<f4").tobytes(order="C")).decode("ascii")
    elif encoding == "json":
        data = a.tolist()
    else:
        raise ValueError("encoding must be 'base64' or 'json', got %r" % (encoding,))
    return {"shape": shape, "dtype": "float32", "data": data}


def build_model_dict(encoder, decoder, source_vocab, target_vocab, *, sos_index=0, eos_index=1,
                     unk_index=None, source_tokenizer="words", target_tokenizer="words",
                     max_target_length=10, metadata=None, encoding="base64",
                     source_join=None, target_join=None):
    """The model file's JSON object (validated), without writing it."""
    src = _vocabulary_list(source_vocab, "source")
    tgt = _vocabulary_list(target_vocab, "target")
    S, T = len(src), len(tgt)

    enc_sd = encoder.state_dict()
    dec_sd = decoder.state_dict()
    if "embedding.weight" not in enc_sd or "embedding.weight" not in dec_sd:
        raise ValueError("encoder / decoder have no embedding.weight: not the tutorial's modules?")
    H = int(enc_sd["embedding.weight"].shape[1])

    named = {}
    for prefix, sd, names in (("encoder.", enc_sd, ENCODER_TENSORS), ("decoder.", dec_sd, DECODER_TENSORS)):
        extra = set(sd) - set(names)
        if extra:
            raise ValueError("%s state_dict has tensors the format does not know: %s"
                             % (prefix[:-1], sorted(extra)))
        for n in names:
            if n not in sd:
                raise ValueError("%s state_dict lacks %s" % (prefix[:-1], n))
            named[prefix + n] = sd[n]

    shapes = expected_shapes(H, S, T)
    for n, want in shapes.items():
        got = list(named[n].shape)
        if got != want:
            raise ValueError("%s: shape %s expected (hidden %d, source vocabulary %d, target vocabulary %d), %s found"
                             % (n, want, H, S, T, got))

    special = {}
    for side, size in (("source", S), ("target", T)):
        special[side] = {
            "start": _check_special("start", sos_index, size, side, required=(side == "target")),
            "end": _check_special("end", eos_index, size, side, required=True),
            "unknown": _check_special("unknown", unk_index, size, side, required=False),
            "padding": None,
        }

    if isinstance(max_target_length, bool) or not isinstance(max_target_length, int) \
            or not 1 <= max_target_length <= 1000:
        raise ValueError("max_target_length must be an integer 1..1000, got %r" % (max_target_length,))
    if metadata is not None and not isinstance(metadata, dict):
        raise ValueError("metadata must be a dict")
    if encoding not in ("base64", "json"):
        raise ValueError("encoding must be 'base64' or 'json', got %r" % (encoding,))

    src_tok = _tokenizer_spec(source_tokenizer, "source")
    tgt_tok = _tokenizer_spec(target_tokenizer, "target")

    def side(tok, vocab, spec, join):
        return {
            "tokenizer": tok,
            "join": join if join is not None else (" " if tok["type"] == "words" else ""),
            "vocabulary": vocab,
            "special": spec,
        }

    model = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "architecture": ARCHITECTURE,
        "hyperparameters": {"hidden_size": H},
        "source": side(src_tok, src, special["source"], source_join),
        "target": side(tgt_tok, tgt, special["target"], target_join),
        "decoding": {"max_length": max_target_length},
        "metadata": dict(metadata or {}),
        "tensors": {n: _tensor_entry(n, named[n], encoding) for n in shapes},
    }
    # Make sure the metadata is JSON (and finite) now rather than half-way through writing.
    json.dumps(model["metadata"], allow_nan=False, ensure_ascii=False)
    return model


def write_json_atomically(obj, path):
    """Writes obj as UTF-8 JSON to path through a temporary file in the same
    folder and os.replace, so that path is either the old or the new file."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def export_gru_attention(encoder, decoder, source_vocab, target_vocab, path, *, sos_index=0, eos_index=1,
                         unk_index=None, source_tokenizer="words", target_tokenizer="words",
                         max_target_length=10, metadata=None, encoding="base64"):
    """Writes the tutorial's EncoderRNN + AttnDecoderRNN as an AttnScope model
    file (architecture gru-bahdanau) to path.

    source_vocab / target_vocab: token strings indexed by id, as a list or a
    dict id -> token (the tutorial's Lang.index2word); ids 0..n-1.
    sos_index / eos_index / unk_index: ids of the start, end and unknown
    tokens, the same on both sides (unk_index None: no unknown token).
    source_tokenizer / target_tokenizer: "words", "characters", or a dict
    {"type": ..., "lowercase": bool}.
    encoding: "base64" (little-endian float32) or "json" (nested arrays).
    Everything is validated before anything is written; the file is written
    atomically. Returns the model dict."""
    model = build_model_dict(encoder, decoder, source_vocab, target_vocab, sos_index=sos_index,
                             eos_index=eos_index, unk_index=unk_index,
                             source_tokenizer=source_tokenizer, target_tokenizer=target_tokenizer,
                             max_target_length=max_target_length, metadata=metadata, encoding=encoding)
    write_json_atomically(model, path)
    return model


# --------------------------------------------------------------------------
# Loading back


def _tensor_from_entry(name, entry):
    shape = entry["shape"]
    data = entry["data"]
    n = 1
    for d in shape:
        n *= d
    if isinstance(data, str):
        raw = base64.b64decode(data, validate=True)
        if len(raw) != 4 * n:
            raise ValueError("%s: %d bytes of data for shape %s (%d expected)" % (name, len(raw), shape, 4 * n))
        a = np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)
    else:
        a = np.asarray(data, dtype=np.float32).reshape(shape)
    if not np.isfinite(a).all():
        raise ValueError("%s has non-finite values" % name)
    return torch.from_numpy(a.copy())


def load_gru_attention(path):
    """Reads an AttnScope model file (architecture gru-bahdanau) back into the
    tutorial modules. Returns (encoder, decoder, model_dict), both modules in
    eval mode; model_dict is the parsed JSON (tensor data left as stored)."""
    with open(path, encoding="utf-8") as f:
        model = json.load(f)
    if model.get("format") != FORMAT:
        raise ValueError("%s: not an AttnScope model (format %r)" % (path, model.get("format")))
    if model.get("format_version") != FORMAT_VERSION:
        raise ValueError("%s: format version %r, this loader reads %d" % (path, model.get("format_version"), FORMAT_VERSION))
    if model.get("architecture") != ARCHITECTURE:
        raise ValueError("%s: architecture %r, this loader reads %s" % (path, model.get("architecture"), ARCHITECTURE))
    H = int(model["hyperparameters"]["hidden_size"])
    S = len(model["source"]["vocabulary"])
    T = len(model["target"]["vocabulary"])
    shapes = expected_shapes(H, S, T)
    tensors = model["tensors"]
    if set(tensors) != set(shapes):
        raise ValueError("%s: tensors %s missing, %s unexpected"
                         % (path, sorted(set(shapes) - set(tensors)), sorted(set(tensors) - set(shapes))))
    encoder = EncoderRNN(S, H)
    decoder = AttnDecoderRNN(H, T)
    enc_sd, dec_sd = {}, {}
    for name, want in shapes.items():
        if list(tensors[name]["shape"]) != want:
            raise ValueError("%s: shape %s expected, %s found" % (name, want, tensors[name]["shape"]))
        t = _tensor_from_entry(name, tensors[name])
        if name.startswith("encoder."):
            enc_sd[name[len("encoder."):]] = t
        else:
            dec_sd[name[len("decoder."):]] = t
    encoder.load_state_dict(enc_sd, strict=True)
    decoder.load_state_dict(dec_sd, strict=True)
    encoder.eval()
    decoder.eval()
    return encoder, decoder, model


# --------------------------------------------------------------------------
# Command line


def export_checkpoint(checkpoint_path, out_path, encoding="base64"):
    """Exports a checkpoint saved by tools/train_gru.py: a dict with
    encoder_state, decoder_state, hidden_size, source_vocab, target_vocab,
    settings, metadata (and the optional special ids / tokenizers)."""
    ck = torch.load(checkpoint_path, map_location="cpu")
    for key in ("encoder_state", "decoder_state", "hidden_size", "source_vocab", "target_vocab"):
        if key not in ck:
            raise ValueError("%s: checkpoint lacks %r (not saved by tools/train_gru.py?)" % (checkpoint_path, key))
    H = int(ck["hidden_size"])
    src, tgt = ck["source_vocab"], ck["target_vocab"]
    encoder = EncoderRNN(len(src), H)
    decoder = AttnDecoderRNN(H, len(tgt))
    encoder.load_state_dict(ck["encoder_state"])
    decoder.load_state_dict(ck["decoder_state"])
    encoder.eval()
    decoder.eval()
    settings = ck.get("settings", {})
    return export_gru_attention(
        encoder, decoder, src, tgt, out_path,
        sos_index=ck.get("sos_index", 0), eos_index=ck.get("eos_index", 1), unk_index=ck.get("unk_index"),
        source_tokenizer=ck.get("source_tokenizer", "words"),
        target_tokenizer=ck.get("target_tokenizer", "words"),
        max_target_length=int(settings.get("max_target_length", 10)),
        metadata=ck.get("metadata"), encoding=encoding)


def main(argv=None):
    p = argparse.ArgumentParser(description="Export a tools/train_gru.py checkpoint as an AttnScope model file.")
    p.add_argument("checkpoint", help="checkpoint .pt saved by tools/train_gru.py")
    p.add_argument("out", help="model file to write (.json)")
    p.add_argument("--encoding", choices=("base64", "json"), default="base64",
                   help="tensor data as base64 of little-endian float32 (default) or JSON arrays")
    args = p.parse_args(argv)
    try:
        model = export_checkpoint(args.checkpoint, args.out, args.encoding)
    except (ValueError, OSError) as e:
        print("attnscope_export: %s" % e, file=sys.stderr)
        return 1
    print("wrote %s (hidden %d, source vocabulary %d, target vocabulary %d, %d bytes)"
          % (args.out, model["hyperparameters"]["hidden_size"], len(model["source"]["vocabulary"]),
             len(model["target"]["vocabulary"]), os.path.getsize(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
