#!/usr/bin/python3
"""Export PyTorch tutorial translation models to AttnScope model files
(docs/model-format.md, format version 1), and load them back into the
PyTorch modules. Two architectures:

- "gru-bahdanau": the tutorial "NLP From Scratch: Translation with a Sequence
  to Sequence Network and Attention" (EncoderRNN + AttnDecoderRNN,
  tools/attnscope_tutorial.py);
- "transformer": the tutorial "Language Translation with nn.Transformer"
  (Seq2SeqTransformer, tools/attnscope_transformer.py).

As a module:

    from attnscope_export import export_gru_attention, load_gru_attention
    export_gru_attention(encoder, decoder, input_lang.index2word,
                         output_lang.index2word, "model.json")
    encoder, decoder, model = load_gru_attention("model.json")

    from attnscope_export import export_transformer, load_transformer
    export_transformer(transformer, vocab_transform[SRC_LANGUAGE], vocab_transform[TGT_LANGUAGE],
                       "model.json", bos_index=BOS_IDX, eos_index=EOS_IDX, pad_index=PAD_IDX,
                       unk_index=UNK_IDX, source_tokenizer="words", target_tokenizer="characters",
                       max_positions=256)
    transformer, model = load_transformer("model.json")

(export_transformer reads d_model, nhead, the layer counts, dim_feedforward,
norm_first, activation and layer_norm_eps from the model itself; the
vocabularies may be lists, dicts id -> token or torchtext Vocabs; without
max_target_length the file has no "decoding" member and the engine uses the
tutorial's rule.)

From the command line, on a checkpoint:

    /usr/bin/python3 tools/attnscope_export.py CHECKPOINT.pt OUT.json [--encoding json|base64]
        [--max-positions P] [--source-language TAG] [--target-language TAG] [--trust-checkpoint]

The checkpoint is read without running code from it (load_checkpoint: only
tensors and plain data); --trust-checkpoint reads one that needs more with
full unpickling, which runs whatever the file holds. Every export, from the
command line or the functions below, is checked against every rule of the
loader (check_document) before anything is written; a refusal is one
ExportError (a ValueError), one line on the command line, exit status 1.

A checkpoint is a torch.save()d dict, either tools/train_gru.py's (keys
encoder_state, decoder_state, hidden_size, source_vocab, target_vocab,
settings, metadata, ...: see export_checkpoint), or a transformer checkpoint:

    {
      "architecture": "transformer",
      "config": {...},            # Seq2SeqTransformer(**config): num_encoder_layers,
                                  # num_decoder_layers, emb_size, nhead, src_vocab_size,
                                  # tgt_vocab_size, dim_feedforward, dropout, norm_first,
                                  # activation, layer_norm_eps, maxlen
      "state_dict": model.state_dict(),     # loaded strictly into Seq2SeqTransformer(**config)
      "source_vocab": [...], "target_vocab": [...],   # list, dict id -> token, or a Vocab
      "special": {"bos": 2, "eos": 3, "pad": 1, "unk": 0},   # pad, unk may be None / absent
      "tokenizers": {"source": {"type": "words", "lowercase": true},
                     "target": {"type": "characters", "lowercase": false}},  # or "words" etc.;
                                  # absent: "words" on both sides
      "metadata": {...} or None,
      "max_positions": 256,       # optional: rows of the positional encoding written
                                  # (default 256, or maxlen when smaller; --max-positions wins)
      "max_target_length": N,     # optional: "decoding": {"max_length": N}; absent or None:
                                  # no "decoding" member (the tutorial's rule)
      ...                         # anything else (settings, losses) is ignored
    }
"""

import argparse
import base64
import collections
import json
import re
import reprlib
import math
import os
import pickle
import signal
import sys
import tempfile
import zipfile

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

# What the loader accepts (src/core): the exporter refuses anything else
# before it writes, so that every file it writes is one the loader reads.
MAX_NESTING = 64                 # as-json-stream.h: containers open at once, the document's own included
MAX_INTEGER = 2 ** 63 - 1        # as-json-stream-numbers.c: integers from -MAX_INTEGER to MAX_INTEGER
MAX_VOCAB = 1000000              # as-loader.h
MAX_DIMS = 4
MAX_DIM = 100000000
MAX_ELEMENTS = 1 << 28
MAX_JOIN = 4096                  # as-vocab.c: bytes
MAX_FILE_SIZE = 4 << 30          # as-json-stream.h
MAX_HIDDEN = 4096                # as-gru-bahdanau.c
MAX_LENGTH = 1000                # as-model.c: decoding.max_length
TRANSFORMER_LIMITS = {           # as-transformer.c
    "d_model": 8192, "nhead": 256, "num_encoder_layers": 64, "num_decoder_layers": 64,
    "dim_feedforward": 65536, "max_positions": 100000,
}
TOP_KEYS = ("format", "format_version", "architecture", "hyperparameters", "source", "target",
            "decoding", "metadata", "tensors")


class ExportError(ValueError):
    """What the exporter refuses (a checkpoint, a model, a value the loader
    would refuse): the message says what and where, in one line."""


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxset = 3, 6, 6, 4, 6
_REPR.maxstring, _REPR.maxother = 200, 200


def _show(value, limit=60):
    """A value for a message: repr() (so control characters, NUL, bidi
    overrides and surrogates are escapes, never raw), at most limit
    characters, without building the whole repr of a large value."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return "an integer of %d bits" % value.bit_length()  # repr() refuses beyond 4300 digits
    try:
        text = _REPR.repr(value)
    except Exception:  # noqa: BLE001 - a hostile __repr__ (only with --trust-checkpoint)
        text = "a %s" % type(value).__name__
    return text if len(text) <= limit else text[:limit] + "..."


def _check_text(text, where):
    """A string the loader reads: no NUL (JSON's \\u0000 is refused), no lone
    UTF-16 surrogate (refused as \\udXXX, unwritable as UTF-8)."""
    if "\0" in text:
        raise ExportError("%s holds a NUL character (U+0000), which a model file cannot hold: %s"
                          % (where, _show(text)))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ExportError("%s holds a lone UTF-16 surrogate U+%04X, which is not a character: %s"
                          % (where, ord(text[e.start]), _show(text)))
    return text


def _json_key(key, where):
    """A dict key as json.dumps writes it (1 -> "1", True -> "true", None -> "null")."""
    if isinstance(key, str):
        return _check_text(str(key), "%s: the key %s" % (where, _show(key)))
    if key is True or key is False or key is None:
        return json.dumps(key)
    if isinstance(key, int):
        _json_integer(key, "%s: the key %s" % (where, _show(key)))
        return int.__repr__(key)
    if isinstance(key, float):
        if not math.isfinite(key):
            raise ExportError("%s: the key %r is not a finite number" % (where, key))
        return float.__repr__(key)
    raise ExportError("%s: the key %s is a %s; JSON keys are strings (or numbers, booleans, None)"
                      % (where, _show(key), type(key).__name__))


def _json_integer(value, where):
    if not -MAX_INTEGER <= value <= MAX_INTEGER:
        raise ExportError("%s is %s, beyond the 64-bit integers a model file holds (-%d to %d)"
                          % (where, _show(int(value)), MAX_INTEGER, MAX_INTEGER))
    return int(value)


def _json_value(value, where, depth):
    """value as the loader will read it, converted to plain JSON types, or
    ExportError: strings without NUL or lone surrogates, integers within 64
    bits, finite numbers, keys that stay distinct once written as strings, at
    most MAX_NESTING containers open (depth: those around value)."""
    if value is None or value is True or value is False:
        return value
    if isinstance(value, int):
        return _json_integer(value, where)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExportError("%s is %r: JSON has no NaN or infinity" % (where, value))
        return float(value)
    if isinstance(value, str):
        return _check_text(str(value), where)
    if isinstance(value, (list, tuple, dict)):
        if depth + 1 > MAX_NESTING:
            raise ExportError("%s is nested too deep: a model file holds at most %d levels of objects and "
                              "arrays, the document's own included (or it contains itself)" % (where, MAX_NESTING))
        if isinstance(value, dict):
            out, spelled = {}, {}
            for k, v in value.items():
                name = _json_key(k, where)
                if name in out:
                    raise ExportError("%s: the keys %s and %s are both the string %s once written: a JSON object "
                                      "cannot hold a key twice" % (where, _show(spelled[name]), _show(k), _show(name)))
                spelled[name] = k
                out[name] = _json_value(v, "%s[%s]" % (where, _show(name)), depth + 1)
            return out
        return [_json_value(v, "%s[%d]" % (where, i), depth + 1) for i, v in enumerate(value)]
    raise ExportError("%s is a %s: a model file holds strings, numbers, booleans, None, lists and dicts"
                      % (where, type(value).__name__))


def _integer(value, where, low, high):
    """An int (not a bool) in low..high, or ExportError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExportError("%s must be an integer, got %s (a %s)" % (where, _show(value), type(value).__name__))
    if not low <= value <= high:
        raise ExportError("%s is %s, must be between %d and %d" % (where, _show(value, 30), low, high))
    return int(value)


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
    """A list of token strings from a list or tuple, or an id -> token dict,
    checked as the loader checks a vocabulary."""
    if isinstance(vocab, dict):
        by_id = {}
        for k, v in vocab.items():
            if isinstance(k, str) and k.isdigit() and k.isascii():
                k = int(k)
            if isinstance(k, bool) or not isinstance(k, int):
                raise ExportError("%s vocabulary: dict keys must be integer ids, found %s" % (side, _show(k)))
            if k in by_id:
                raise ExportError("%s vocabulary: id %d appears twice" % (side, k))
            by_id[k] = v
        missing = [i for i in range(len(by_id)) if i not in by_id][:5]
        if missing:
            raise ExportError("%s vocabulary: ids must be 0..%d without gaps (missing e.g. %s)"
                              % (side, len(by_id) - 1, missing))
        tokens = [by_id[i] for i in range(len(by_id))]
    elif isinstance(vocab, (list, tuple)):
        tokens = list(vocab)
    else:
        raise ExportError("%s vocabulary must be a list of token strings or a dict id -> token, found a %s"
                          % (side, type(vocab).__name__))
    if not tokens:
        raise ExportError("%s vocabulary is empty" % side)
    if len(tokens) > MAX_VOCAB:
        raise ExportError("%s vocabulary has %d entries (at most 1,000,000)" % (side, len(tokens)))
    seen = {}
    for i, t in enumerate(tokens):
        if not isinstance(t, str) or t == "":
            raise ExportError("%s vocabulary: id %d is %s, not a non-empty string" % (side, i, _show(t)))
        _check_text(t, "%s vocabulary: id %d" % (side, i))
        t = str(t)
        if t in seen:
            raise ExportError("%s vocabulary: %s appears twice (ids %d and %d)" % (side, _show(t), seen[t], i))
        seen[t] = i
    return [str(t) for t in tokens]


def _check_special(name, value, size, side, required):
    if value is None:
        if required:
            raise ExportError("%s side needs a %s token id" % (side, name))
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExportError("%s %s id must be an integer, got %r" % (side, name, value))
    if not 0 <= value < size:
        raise ExportError("%s %s id %d is outside the vocabulary (0..%d)" % (side, name, value, size - 1))
    return value


def _tokenizer_spec(tokenizer, side, types=TOKENIZER_TYPES):
    """'words' / 'characters' (/ 'whitespace' where types has it) or a dict
    {"type": ..., "lowercase": ...}."""
    if isinstance(tokenizer, str):
        spec = {"type": tokenizer}
    elif isinstance(tokenizer, dict):
        spec = dict(tokenizer)
    else:
        raise ExportError("%s tokenizer must be a string or a dict, got %r" % (side, tokenizer))
    if spec.get("type") not in types:
        raise ExportError("%s tokenizer type must be one of %s, got %r" % (side, types, spec.get("type")))
    extra = set(spec) - {"type", "lowercase"}
    if extra:
        raise ExportError("%s tokenizer: unknown keys %s" % (side, sorted(map(str, extra))))
    if "lowercase" not in spec:
        spec["lowercase"] = spec["type"] == "words"
    if not isinstance(spec["lowercase"], bool):
        raise ExportError("%s tokenizer lowercase must be a boolean" % side)
    return {"type": spec["type"], "lowercase": spec["lowercase"]}


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")


def _language(tag, side):
    """A side's language as model files name it (BCP 47: "en", "zh-CN"), or
    None; the same rule as the loader's (as_vocab_language_is_valid)."""
    if tag is None:
        return None
    if not isinstance(tag, str) or len(tag) > 35 or not _LANGUAGE_TAG.match(tag):
        raise ExportError("%s language must be a language tag such as 'en' or 'zh-CN', got %r" % (side, tag))
    return tag


def _tensor_entry(name, t, encoding):
    a = t.detach().cpu().to(torch.float32).contiguous().numpy()
    if not np.isfinite(a).all():
        bad = int((~np.isfinite(a)).sum())
        raise ExportError("%s has %d non-finite values (NaN or infinity)" % (name, bad))
    shape = list(a.shape)
    if encoding == "base64":
        data = base64.b64encode(a.astype("<f4").tobytes(order="C")).decode("ascii")
    elif encoding == "json":
        data = a.tolist()
    else:
        raise ExportError("encoding must be 'base64' or 'json', got %r" % (encoding,))
    return {"shape": shape, "dtype": "float32", "data": data}


def build_model_dict(encoder, decoder, source_vocab, target_vocab, *, sos_index=0, eos_index=1,
                     unk_index=None, source_tokenizer="words", target_tokenizer="words",
                     max_target_length=10, metadata=None, encoding="base64",
                     source_join=None, target_join=None, source_language=None, target_language=None):
    """The model file's JSON object (validated), without writing it."""
    src = _vocabulary_list(source_vocab, "source")
    tgt = _vocabulary_list(target_vocab, "target")
    S, T = len(src), len(tgt)

    enc_sd = encoder.state_dict()
    dec_sd = decoder.state_dict()
    if "embedding.weight" not in enc_sd or "embedding.weight" not in dec_sd:
        raise ExportError("encoder / decoder have no embedding.weight: not the tutorial's modules?")
    H = int(enc_sd["embedding.weight"].shape[1])

    named = {}
    for prefix, sd, names in (("encoder.", enc_sd, ENCODER_TENSORS), ("decoder.", dec_sd, DECODER_TENSORS)):
        extra = set(sd) - set(names)
        if extra:
            raise ExportError("%s state_dict has tensors the format does not know: %s"
                             % (prefix[:-1], sorted(extra)))
        for n in names:
            if n not in sd:
                raise ExportError("%s state_dict lacks %s" % (prefix[:-1], n))
            named[prefix + n] = sd[n]

    shapes = expected_shapes(H, S, T)
    for n, want in shapes.items():
        got = list(named[n].shape)
        if got != want:
            raise ExportError("%s: shape %s expected (hidden %d, source vocabulary %d, target vocabulary %d), %s found"
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
        raise ExportError("max_target_length must be an integer 1..1000, got %r" % (max_target_length,))
    if metadata is not None and not isinstance(metadata, dict):
        raise ExportError("metadata must be a dict")
    if encoding not in ("base64", "json"):
        raise ExportError("encoding must be 'base64' or 'json', got %r" % (encoding,))

    src_tok = _tokenizer_spec(source_tokenizer, "source")
    tgt_tok = _tokenizer_spec(target_tokenizer, "target")
    languages = {"source": _language(source_language, "source"), "target": _language(target_language, "target")}

    def side(tok, vocab, spec, join, name):
        return {
            **({"language": languages[name]} if languages[name] else {}),
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
        "source": side(src_tok, src, special["source"], source_join, "source"),
        "target": side(tgt_tok, tgt, special["target"], target_join, "target"),
        "decoding": {"max_length": max_target_length},
        "metadata": _json_value(dict(metadata or {}), "metadata", 1),
        "tensors": {n: _tensor_entry(n, named[n], encoding) for n in shapes},
    }
    check_document(model)
    return model


def _check_side(side, where, architecture):
    """One side of a document, as as-vocab.c and the architecture check it."""
    if not isinstance(side, dict):
        raise ExportError("%s must be a dict, found a %s" % (where, type(side).__name__))
    unknown = set(side) - {"tokenizer", "join", "language", "vocabulary", "special"}
    if unknown:
        raise ExportError("%s: unknown keys %s" % (where, sorted(map(str, unknown))))
    types = TRANSFORMER_TOKENIZER_TYPES if architecture == TRANSFORMER else TOKENIZER_TYPES
    _tokenizer_spec(side.get("tokenizer"), where, types)
    if side["tokenizer"] != _tokenizer_spec(side["tokenizer"], where, types):
        raise ExportError("%s.tokenizer must have exactly \"type\" and \"lowercase\"" % where)
    if "join" in side:
        join = side["join"]
        if not isinstance(join, str):
            raise ExportError("%s join must be a string, found %s" % (where, _show(join)))
        _check_text(join, "%s join" % where)
        if len(join.encode("utf-8")) > MAX_JOIN:
            raise ExportError("%s join is longer than %d bytes" % (where, MAX_JOIN))
    if "language" in side and _language(side["language"], where) is None:
        raise ExportError("%s language must be a tag such as 'en' when present, found None" % where)
    if side.get("vocabulary") != _vocabulary_list(side.get("vocabulary"), where):
        raise ExportError("%s vocabulary must be a list of strings" % where)
    size = len(side["vocabulary"])
    special = side.get("special")
    if not isinstance(special, dict):
        raise ExportError("%s: special must be a dict of ids, found %s" % (where, _show(special)))
    unknown = set(special) - {"start", "end", "unknown", "padding"}
    if unknown:
        raise ExportError("%s special: unknown keys %s" % (where, sorted(map(str, unknown))))
    needs = {"start": where == "target" or architecture == TRANSFORMER, "end": True}
    for name in ("start", "end", "unknown", "padding"):
        _check_special(name, special.get(name), size, where, needs.get(name, False))


def _check_tensor(name, entry, want):
    """A tensor entry as as-loader-tensors.c checks it: its shape is the
    architecture's (want) and within the loader's limits, its data is that
    many finite float32 values."""
    if not isinstance(entry, dict) or set(entry) - {"shape", "dtype", "data"} or "data" not in entry:
        raise ExportError("tensor %s must be a dict with shape, dtype and data" % name)
    shape = entry.get("shape")
    if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in shape):
        raise ExportError("tensor %s: shape must be a list of integers, found %s" % (name, _show(shape)))
    if not 1 <= len(shape) <= MAX_DIMS:
        raise ExportError("tensor %s: shape %s has %d dimensions, the loader reads 1 to %d"
                          % (name, shape, len(shape), MAX_DIMS))
    n = 1
    for i, d in enumerate(shape):
        if not 1 <= d <= MAX_DIM:
            raise ExportError("tensor %s: shape[%d] is %d, the loader reads 1 to %d" % (name, i, d, MAX_DIM))
        n *= d
    if n > MAX_ELEMENTS:
        raise ExportError("tensor %s: shape %s has %d elements, the loader reads at most 2^28 (%d) in one tensor"
                          % (name, shape, n, MAX_ELEMENTS))
    if shape != want:
        raise ExportError("tensor %s: shape %s expected, %s found" % (name, want, shape))
    if entry.get("dtype", "float32") != "float32":
        raise ExportError("tensor %s: dtype must be \"float32\", found %s" % (name, _show(entry.get("dtype"))))
    data = entry["data"]
    try:
        if isinstance(data, str):
            raw = base64.b64decode(data, validate=True)
            if len(raw) != 4 * n:
                raise ExportError("tensor %s: %d bytes of data for shape %s (%d expected)" % (name, len(raw), shape, 4 * n))
            a = np.frombuffer(raw, dtype="<f4")
        else:
            a = np.asarray(data, dtype=np.float64)
            if list(a.shape) != shape:
                raise ExportError("tensor %s: data of shape %s for shape %s" % (name, list(a.shape), shape))
            if np.isfinite(a).all():
                a = a.astype(np.float32)
    except (TypeError, ValueError, OverflowError) as e:
        if isinstance(e, ExportError):
            raise
        raise ExportError("tensor %s: data is not %d float32 values (%s)" % (name, n, e))
    if not np.isfinite(a).all():
        raise ExportError("tensor %s has %d values that are not finite float32 numbers (NaN, infinity, or beyond "
                          "3.4e38)" % (name, int((~np.isfinite(a)).sum())))
    return 4 * n


def check_document(doc):
    """Checks a model document (the dict the exporter is about to write)
    against every rule of the loader (src/core: as-json-stream*.c,
    as-loader*.c, as-vocab.c, as-model.c, and the architectures' limits in
    as-gru-bahdanau.c and as-transformer.c): the JSON itself (no NUL, no lone
    surrogate, integers within 64 bits, finite numbers, keys distinct once
    written, at most 64 levels), the members and their types, the
    hyperparameters' ranges, the sides, decoding, metadata, every tensor's
    name, shape, limits and data, and the file's size. Raises ExportError
    naming the first thing wrong; returns None."""
    if not isinstance(doc, dict):
        raise ExportError("a model document is a dict, found a %s" % type(doc).__name__)
    unknown = set(doc) - set(TOP_KEYS)
    if unknown:
        raise ExportError("the document has unknown members %s" % sorted(map(str, unknown)))
    for key in ("format", "format_version", "architecture", "hyperparameters", "source", "target", "tensors"):
        if key not in doc:
            raise ExportError("the document lacks %r" % key)
    if doc["format"] != FORMAT or doc["format_version"] != FORMAT_VERSION or isinstance(doc["format_version"], bool):
        raise ExportError("format must be %r version %d" % (FORMAT, FORMAT_VERSION))
    architecture = doc["architecture"]
    hp = doc["hyperparameters"]
    if not isinstance(hp, dict):
        raise ExportError("hyperparameters must be a dict")
    if architecture == ARCHITECTURE:
        if set(hp) != {"hidden_size"}:
            raise ExportError("hyperparameters of %s are exactly hidden_size, found %s" % (ARCHITECTURE, sorted(map(str, hp))))
        _integer(hp["hidden_size"], "hidden_size", 1, MAX_HIDDEN)
    elif architecture == TRANSFORMER:
        if set(hp) != set(TRANSFORMER_HYPERPARAMETERS):
            raise ExportError("hyperparameters: %s missing, %s unknown"
                              % (sorted(set(TRANSFORMER_HYPERPARAMETERS) - set(hp)),
                                 sorted(map(str, set(hp) - set(TRANSFORMER_HYPERPARAMETERS)))))
        for key, high in TRANSFORMER_LIMITS.items():
            _integer(hp[key], key, 1, high)
        if hp["d_model"] % hp["nhead"]:
            raise ExportError("nhead %d does not divide d_model %d" % (hp["nhead"], hp["d_model"]))
        if not isinstance(hp["norm_first"], bool):
            raise ExportError("norm_first must be a boolean, found %s" % _show(hp["norm_first"]))
        if hp["activation"] not in ("relu", "gelu"):
            raise ExportError("activation must be 'relu' or 'gelu', found %s" % _show(hp["activation"]))
        eps = hp["layer_norm_eps"]
        if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < 1:
            raise ExportError("layer_norm_eps is %s: the loader takes a number above 0 and below 1" % _show(eps))
    else:
        raise ExportError("architecture must be %r or %r, found %s" % (ARCHITECTURE, TRANSFORMER, _show(architecture)))
    for name in ("source", "target"):
        _check_side(doc[name], name, architecture)
    if "decoding" in doc:
        decoding = doc["decoding"]
        if not isinstance(decoding, dict) or set(decoding) - {"max_length"}:
            raise ExportError("decoding must be a dict with max_length only, found %s" % _show(decoding))
        if "max_length" in decoding:
            _integer(decoding["max_length"], "max_target_length (decoding.max_length)", 1, MAX_LENGTH)
    if "metadata" in doc and not isinstance(doc["metadata"], dict):
        raise ExportError("metadata must be a dict, found a %s" % type(doc["metadata"]).__name__)
    # Everything but the tensors as the JSON it becomes (their data is checked below, as numbers)
    _json_value({k: v for k, v in doc.items() if k != "tensors"}, "the document", 0)
    S, T = len(doc["source"]["vocabulary"]), len(doc["target"]["vocabulary"])
    if architecture == ARCHITECTURE:
        shapes = expected_shapes(hp["hidden_size"], S, T)
    else:
        shapes = expected_transformer_shapes(hp["d_model"], hp["nhead"], hp["num_encoder_layers"],
                                             hp["num_decoder_layers"], hp["dim_feedforward"], S, T, hp["max_positions"])
    tensors = doc["tensors"]
    if not isinstance(tensors, dict):
        raise ExportError("tensors must be a dict")
    for name in tensors:
        if name not in shapes:
            raise ExportError("tensors: %s is not a tensor of a %s model" % (_show(name), architecture))
    data_bytes = 0
    for name, want in shapes.items():
        if name not in tensors:
            raise ExportError("tensors: %s is missing" % name)
        data_bytes += _check_tensor(name, tensors[name], want)
    # base64 takes 4 bytes for 3, numbers at least 2 ("0,"): a file beyond what the loader reads is refused here
    if data_bytes * 4 // 3 > MAX_FILE_SIZE:
        raise ExportError("the model's %d weights make a file larger than the 4 GiB a model file may be"
                          % (data_bytes // 4))


def _ignore_file_size_signal():
    """SIGXFSZ ignored (a write past `ulimit -f` then fails with EFBIG, so that the
    temporary file is removed) when this is the main thread; the old handler, or None."""
    sig = getattr(signal, "SIGXFSZ", None)
    if sig is None:
        return None
    try:
        return sig, signal.signal(sig, signal.SIG_IGN)
    except ValueError:  # not the main thread
        return None


def write_json_atomically(obj, path):
    """Writes obj as UTF-8 JSON to path through a temporary file in the same
    folder and os.replace, so that path is either the old or the new file;
    when anything fails, the temporary file is removed and path left as it
    was. A file larger than the loader reads (4 GiB) is refused, removed."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    # the temporary name adds 13 bytes: a name near the 255-byte limit gets a short one
    prefix = ".%s." % base if len(os.fsencode(base)) <= 200 else ".attnscope-export."
    try:
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    except OSError as e:
        raise OSError(e.errno, "cannot write %s: %s" % (path, e.strerror or e)) from None
    old_handler = _ignore_file_size_signal()
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
            size = os.fstat(f.fileno()).st_size
        if size > MAX_FILE_SIZE:
            raise ExportError("%s would be %d bytes, larger than the 4 GiB a model file may be" % (path, size))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise OSError(e.errno, "cannot write %s: %s" % (path, e.strerror or e)) from None
        raise
    finally:
        if old_handler is not None:
            signal.signal(*old_handler)


def export_gru_attention(encoder, decoder, source_vocab, target_vocab, path, *, sos_index=0, eos_index=1,
                         unk_index=None, source_tokenizer="words", target_tokenizer="words",
                         max_target_length=10, metadata=None, encoding="base64",
                         source_language=None, target_language=None):
    """Writes the tutorial's EncoderRNN + AttnDecoderRNN as an AttnScope model
    file (architecture gru-bahdanau) to path.

    source_vocab / target_vocab: token strings indexed by id, as a list or a
    dict id -> token (the tutorial's Lang.index2word); ids 0..n-1.
    sos_index / eos_index / unk_index: ids of the start, end and unknown
    tokens, the same on both sides (unk_index None: no unknown token).
    source_tokenizer / target_tokenizer: "words", "characters", or a dict
    {"type": ..., "lowercase": bool}.
    source_language / target_language: each side's language as a BCP 47 tag
    ("en", "zh-CN"), or None; the viewer draws that side's text with it.
    encoding: "base64" (little-endian float32) or "json" (nested arrays).
    Everything is validated before anything is written; the file is written
    atomically. Returns the model dict."""
    model = build_model_dict(encoder, decoder, source_vocab, target_vocab, sos_index=sos_index,
                             eos_index=eos_index, unk_index=unk_index,
                             source_tokenizer=source_tokenizer, target_tokenizer=target_tokenizer,
                             max_target_length=max_target_length, metadata=metadata, encoding=encoding,
                             source_language=source_language, target_language=target_language)
    write_json_atomically(model, path)
    return model


# --------------------------------------------------------------------------
# Architecture "transformer": the tutorial "Language Translation with
# nn.Transformer" (Seq2SeqTransformer in tools/attnscope_transformer.py)

TRANSFORMER = "transformer"
TRANSFORMER_TOKENIZER_TYPES = ("words", "characters", "whitespace")
TRANSFORMER_HYPERPARAMETERS = ("d_model", "nhead", "num_encoder_layers", "num_decoder_layers",
                               "dim_feedforward", "norm_first", "activation", "layer_norm_eps",
                               "max_positions")
_ATTENTION = ("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias")


def expected_transformer_shapes(d, nhead, n_enc, n_dec, ff, S, T, P):
    """The tensors of architecture transformer and their shapes, in the order
    the exporter writes them (d = d_model, ff = dim_feedforward, S / T the
    source / target vocabulary sizes, P = max_positions)."""
    for name, v in (("d_model", d), ("nhead", nhead), ("num_encoder_layers", n_enc),
                    ("num_decoder_layers", n_dec), ("dim_feedforward", ff), ("source vocabulary", S),
                    ("target vocabulary", T), ("max_positions", P)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ExportError("%s must be an integer >= 1, got %r" % (name, v))
    if d % nhead:
        raise ExportError("d_model %d is not a multiple of nhead %d" % (d, nhead))
    shapes = {
        "src_tok_emb.embedding.weight": [S, d],
        "tgt_tok_emb.embedding.weight": [T, d],
        "positional_encoding.pos_embedding": [P, 1, d],
    }

    def attention(prefix):
        shapes[prefix + ".in_proj_weight"] = [3 * d, d]
        shapes[prefix + ".in_proj_bias"] = [3 * d]
        shapes[prefix + ".out_proj.weight"] = [d, d]
        shapes[prefix + ".out_proj.bias"] = [d]

    def feed_forward_and_norms(prefix, n_norms):
        shapes[prefix + ".linear1.weight"] = [ff, d]
        shapes[prefix + ".linear1.bias"] = [ff]
        shapes[prefix + ".linear2.weight"] = [d, ff]
        shapes[prefix + ".linear2.bias"] = [d]
        for k in range(1, n_norms + 1):
            shapes["%s.norm%d.weight" % (prefix, k)] = [d]
            shapes["%s.norm%d.bias" % (prefix, k)] = [d]

    for L in range(n_enc):
        p = "transformer.encoder.layers.%d" % L
        attention(p + ".self_attn")
        feed_forward_and_norms(p, 2)
    shapes["transformer.encoder.norm.weight"] = [d]
    shapes["transformer.encoder.norm.bias"] = [d]
    for L in range(n_dec):
        p = "transformer.decoder.layers.%d" % L
        attention(p + ".self_attn")
        attention(p + ".multihead_attn")
        feed_forward_and_norms(p, 3)
    shapes["transformer.decoder.norm.weight"] = [d]
    shapes["transformer.decoder.norm.bias"] = [d]
    shapes["generator.weight"] = [T, d]
    shapes["generator.bias"] = [T]
    return shapes


def _vocabulary_tokens(vocab, side):
    """_vocabulary_list, also for a torchtext Vocab (anything with get_itos())."""
    if hasattr(vocab, "get_itos") and callable(vocab.get_itos):
        vocab = vocab.get_itos()
    return _vocabulary_list(vocab, side)


def _activation_name(fn, where):
    import torch.nn.functional as F
    if fn is F.relu:
        return "relu"
    if fn is F.gelu:
        return "gelu"
    raise ExportError("%s.activation is %r: the format says only 'relu' (F.relu) or 'gelu' (F.gelu)" % (where, fn))


def transformer_hyperparameters(model, max_positions=256):
    """Reads the nine hyperparameters of the file from a Seq2SeqTransformer
    (model.transformer's layers), refusing a model whose options the format
    cannot say (layers that differ, custom attention options, no final norms)."""
    import torch.nn as nn
    tr = getattr(model, "transformer", None)
    if not isinstance(tr, nn.Transformer):
        raise ExportError("model.transformer is %r, not an nn.Transformer: not the tutorial's Seq2SeqTransformer?"
                         % type(tr).__name__)
    enc_layers = list(getattr(tr.encoder, "layers", []))
    dec_layers = list(getattr(tr.decoder, "layers", []))
    if not enc_layers or not dec_layers:
        raise ExportError("the model needs at least one encoder and one decoder layer")
    first = enc_layers[0]
    if not isinstance(first, nn.TransformerEncoderLayer):
        raise ExportError("encoder layer 0 is a %s, not an nn.TransformerEncoderLayer" % type(first).__name__)
    hp = {
        "d_model": int(first.self_attn.embed_dim),
        "nhead": int(first.self_attn.num_heads),
        "num_encoder_layers": len(enc_layers),
        "num_decoder_layers": len(dec_layers),
        "dim_feedforward": int(first.linear1.out_features),
        "norm_first": bool(first.norm_first),
        "activation": _activation_name(first.activation, "transformer.encoder.layers.0"),
        "layer_norm_eps": float(first.norm1.eps),
        "max_positions": max_positions,
    }
    d = hp["d_model"]
    layers = [("transformer.encoder.layers.%d" % i, l, nn.TransformerEncoderLayer, ("self_attn",), 2)
              for i, l in enumerate(enc_layers)]
    layers += [("transformer.decoder.layers.%d" % i, l, nn.TransformerDecoderLayer, ("self_attn", "multihead_attn"), 3)
               for i, l in enumerate(dec_layers)]
    norms = []
    for where, layer, cls, attns, n_norms in layers:
        if not isinstance(layer, cls):
            raise ExportError("%s is a %s, not an nn.%s" % (where, type(layer).__name__, cls.__name__))
        for a in attns:
            mha = getattr(layer, a)
            if int(mha.embed_dim) != d or int(mha.num_heads) != hp["nhead"]:
                raise ExportError("%s.%s: embed_dim %d, %d heads; the format has one d_model (%d) and nhead (%d)"
                                 % (where, a, mha.embed_dim, mha.num_heads, d, hp["nhead"]))
            if not mha._qkv_same_embed_dim or mha.in_proj_weight is None or mha.in_proj_bias is None:
                raise ExportError("%s.%s: separate q/k/v projections or no bias: the format has in_proj_weight "
                                 "and in_proj_bias" % (where, a))
            if mha.bias_k is not None or mha.bias_v is not None or mha.add_zero_attn:
                raise ExportError("%s.%s: add_bias_kv / add_zero_attn are not in the format" % (where, a))
        if int(layer.linear1.out_features) != hp["dim_feedforward"]:
            raise ExportError("%s: dim_feedforward %d, layer 0 of the encoder has %d; the format has one"
                             % (where, layer.linear1.out_features, hp["dim_feedforward"]))
        if bool(layer.norm_first) != hp["norm_first"]:
            raise ExportError("%s: norm_first %s, layer 0 of the encoder has %s; the format has one"
                             % (where, layer.norm_first, hp["norm_first"]))
        if _activation_name(layer.activation, where) != hp["activation"]:
            raise ExportError("%s: activation %s, layer 0 of the encoder has %s; the format has one"
                             % (where, _activation_name(layer.activation, where), hp["activation"]))
        norms += [("%s.norm%d" % (where, k), getattr(layer, "norm%d" % k)) for k in range(1, n_norms + 1)]
    norms += [("transformer.encoder.norm", tr.encoder.norm), ("transformer.decoder.norm", tr.decoder.norm)]
    for where, norm in norms:
        if not isinstance(norm, nn.LayerNorm):
            raise ExportError("%s is %r, not an nn.LayerNorm (the format has a final norm on each side)"
                             % (where, type(norm).__name__))
        if not norm.elementwise_affine or list(norm.normalized_shape) != [d]:
            raise ExportError("%s: a LayerNorm over [d_model] with weight and bias expected" % where)
        if float(norm.eps) != hp["layer_norm_eps"]:
            raise ExportError("%s.eps is %r, encoder layer 0's norm1.eps %r; the format has one layer_norm_eps"
                             % (where, norm.eps, hp["layer_norm_eps"]))
    if not (hp["layer_norm_eps"] > 0 and math.isfinite(hp["layer_norm_eps"])):
        raise ExportError("layer_norm_eps %r must be a finite number > 0" % hp["layer_norm_eps"])
    for emb in ("src_tok_emb", "tgt_tok_emb"):
        size = getattr(getattr(model, emb, None), "emb_size", d)
        if size != d:
            raise ExportError("%s.emb_size is %r, d_model %d: the embeddings are scaled by sqrt(d_model)" % (emb, size, d))
    return hp


def build_transformer_dict(model, source_vocab, target_vocab, *, bos_index, eos_index, pad_index,
                           unk_index=None, source_tokenizer="words", target_tokenizer="words",
                           max_target_length=None, metadata=None, encoding="base64", max_positions=256,
                           source_language=None, target_language=None):
    """The model file's JSON object for a Seq2SeqTransformer (validated), without writing it."""
    src = _vocabulary_tokens(source_vocab, "source")
    tgt = _vocabulary_tokens(target_vocab, "target")
    S, T = len(src), len(tgt)
    if isinstance(max_positions, bool) or not isinstance(max_positions, int) or max_positions < 1:
        raise ExportError("max_positions must be an integer >= 1, got %r" % (max_positions,))
    hp = transformer_hyperparameters(model, max_positions)

    sd = model.state_dict()
    pos = sd.get("positional_encoding.pos_embedding")
    if pos is None:
        raise ExportError("the model has no positional_encoding.pos_embedding: not the tutorial's Seq2SeqTransformer?")
    if pos.dim() != 3 or pos.shape[1] != 1:
        raise ExportError("positional_encoding.pos_embedding has shape %s, [maxlen, 1, d_model] expected" % list(pos.shape))
    if pos.shape[0] < max_positions:
        raise ExportError("max_positions %d is more than the %d rows of positional_encoding.pos_embedding"
                         % (max_positions, pos.shape[0]))
    named = dict(sd)
    named["positional_encoding.pos_embedding"] = pos[:max_positions]

    shapes = expected_transformer_shapes(hp["d_model"], hp["nhead"], hp["num_encoder_layers"],
                                         hp["num_decoder_layers"], hp["dim_feedforward"], S, T, max_positions)
    extra = set(named) - set(shapes)
    if extra:
        raise ExportError("the model's state_dict has tensors the format does not know: %s" % sorted(extra)[:10])
    missing = set(shapes) - set(named)
    if missing:
        raise ExportError("the model's state_dict lacks %s" % sorted(missing)[:10])
    for n, want in shapes.items():
        got = list(named[n].shape)
        if got != want:
            raise ExportError("%s: shape %s expected (d_model %d, nhead %d, dim_feedforward %d, source vocabulary %d, "
                             "target vocabulary %d, max_positions %d), %s found"
                             % (n, want, hp["d_model"], hp["nhead"], hp["dim_feedforward"], S, T, max_positions, got))

    special = {}
    for side, size in (("source", S), ("target", T)):
        special[side] = {
            "start": _check_special("start", bos_index, size, side, required=True),
            "end": _check_special("end", eos_index, size, side, required=True),
            "unknown": _check_special("unknown", unk_index, size, side, required=False),
            "padding": _check_special("padding", pad_index, size, side, required=False),
        }
    if max_target_length is not None and (isinstance(max_target_length, bool) or not isinstance(max_target_length, int)
                                          or not 1 <= max_target_length <= 1000):
        raise ExportError("max_target_length must be None or an integer 1..1000, got %r" % (max_target_length,))
    if metadata is not None and not isinstance(metadata, dict):
        raise ExportError("metadata must be a dict")
    if encoding not in ("base64", "json"):
        raise ExportError("encoding must be 'base64' or 'json', got %r" % (encoding,))

    src_tok = _tokenizer_spec(source_tokenizer, "source", TRANSFORMER_TOKENIZER_TYPES)
    tgt_tok = _tokenizer_spec(target_tokenizer, "target", TRANSFORMER_TOKENIZER_TYPES)
    languages = {"source": _language(source_language, "source"), "target": _language(target_language, "target")}

    def side(tok, vocab, spec, name):
        return {**({"language": languages[name]} if languages[name] else {}), "tokenizer": tok, "join": "" if tok["type"] == "characters" else " ",
                "vocabulary": vocab, "special": spec}

    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "architecture": TRANSFORMER,
        "hyperparameters": hp,
        "source": side(src_tok, src, special["source"], "source"),
        "target": side(tgt_tok, tgt, special["target"], "target"),
    }
    if max_target_length is not None:
        doc["decoding"] = {"max_length": max_target_length}
    doc["metadata"] = _json_value(dict(metadata or {}), "metadata", 1)
    doc["tensors"] = {n: _tensor_entry(n, named[n], encoding) for n in shapes}
    check_document(doc)
    return doc


def export_transformer(model, source_vocab, target_vocab, path, *, bos_index, eos_index, pad_index,
                       unk_index=None, source_tokenizer="words", target_tokenizer="words",
                       max_target_length=None, metadata=None, encoding="base64", max_positions=256,
                       source_language=None, target_language=None):
    """Writes the tutorial's Seq2SeqTransformer as an AttnScope model file
    (architecture transformer) to path.

    The hyperparameters are read from the model (model.transformer's layers);
    a model the format cannot describe (layers with different options, an
    activation other than F.relu / F.gelu, ...) is refused.
    source_vocab / target_vocab: token strings indexed by id: a list, a dict
    id -> token, or a torchtext Vocab (anything with get_itos()).
    bos_index / eos_index / pad_index / unk_index: the same ids on both sides
    (the tutorial: UNK 0, PAD 1, BOS 2, EOS 3); pad_index and unk_index may be None.
    source_tokenizer / target_tokenizer: "words", "characters", "whitespace" or
    a dict {"type": ..., "lowercase": bool}.
    max_target_length: None (no "decoding" member: the engine uses the
    tutorial's rule, at most source tokens + 2 + 4 generated tokens) or 1..1000.
    max_positions: rows of positional_encoding.pos_embedding written (the
    longest source with its start and end tokens, and the longest target prefix).
    source_language / target_language: each side's language as a BCP 47 tag
    ("en", "zh-CN"), or None.
    encoding: "base64" (little-endian float32) or "json" (nested arrays).
    Everything is validated before anything is written; the file is written
    atomically. Returns the model dict."""
    doc = build_transformer_dict(model, source_vocab, target_vocab, bos_index=bos_index, eos_index=eos_index,
                                 pad_index=pad_index, unk_index=unk_index, source_tokenizer=source_tokenizer,
                                 target_tokenizer=target_tokenizer, max_target_length=max_target_length,
                                 metadata=metadata, encoding=encoding, max_positions=max_positions,
                                 source_language=source_language, target_language=target_language)
    write_json_atomically(doc, path)
    return doc


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
            raise ExportError("%s: %d bytes of data for shape %s (%d expected)" % (name, len(raw), shape, 4 * n))
        a = np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)
    else:
        a = np.asarray(data, dtype=np.float32).reshape(shape)
    if not np.isfinite(a).all():
        raise ExportError("%s has non-finite values" % name)
    return torch.from_numpy(a.copy())


def load_gru_attention(path):
    """Reads an AttnScope model file (architecture gru-bahdanau) back into the
    tutorial modules. Returns (encoder, decoder, model_dict), both modules in
    eval mode; model_dict is the parsed JSON (tensor data left as stored)."""
    with open(path, encoding="utf-8") as f:
        model = json.load(f)
    if model.get("format") != FORMAT:
        raise ExportError("%s: not an AttnScope model (format %r)" % (path, model.get("format")))
    if model.get("format_version") != FORMAT_VERSION:
        raise ExportError("%s: format version %r, this loader reads %d" % (path, model.get("format_version"), FORMAT_VERSION))
    if model.get("architecture") != ARCHITECTURE:
        raise ExportError("%s: architecture %r, this loader reads %s" % (path, model.get("architecture"), ARCHITECTURE))
    H = int(model["hyperparameters"]["hidden_size"])
    S = len(model["source"]["vocabulary"])
    T = len(model["target"]["vocabulary"])
    shapes = expected_shapes(H, S, T)
    tensors = model["tensors"]
    if set(tensors) != set(shapes):
        raise ExportError("%s: tensors %s missing, %s unexpected"
                         % (path, sorted(set(shapes) - set(tensors)), sorted(set(tensors) - set(shapes))))
    encoder = EncoderRNN(S, H)
    decoder = AttnDecoderRNN(H, T)
    enc_sd, dec_sd = {}, {}
    for name, want in shapes.items():
        if list(tensors[name]["shape"]) != want:
            raise ExportError("%s: shape %s expected, %s found" % (name, want, tensors[name]["shape"]))
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


def load_transformer(path):
    """Reads an AttnScope model file (architecture transformer) back into the
    tutorial's Seq2SeqTransformer. Returns (model, model_dict): the model in
    eval mode with the file's weights (its positional encoding has the file's
    max_positions rows); model_dict is the parsed JSON (tensor data left as stored)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("format") != FORMAT:
        raise ExportError("%s: not an AttnScope model (format %r)" % (path, doc.get("format")))
    if doc.get("format_version") != FORMAT_VERSION:
        raise ExportError("%s: format version %r, this loader reads %d" % (path, doc.get("format_version"), FORMAT_VERSION))
    if doc.get("architecture") != TRANSFORMER:
        raise ExportError("%s: architecture %r, this loader reads %s" % (path, doc.get("architecture"), TRANSFORMER))
    hp = doc["hyperparameters"]
    if set(hp) != set(TRANSFORMER_HYPERPARAMETERS):
        raise ExportError("%s: hyperparameters %s missing, %s unknown"
                         % (path, sorted(set(TRANSFORMER_HYPERPARAMETERS) - set(hp)),
                            sorted(set(hp) - set(TRANSFORMER_HYPERPARAMETERS))))
    if hp["activation"] not in ("relu", "gelu") or not isinstance(hp["norm_first"], bool):
        raise ExportError("%s: activation %r, norm_first %r" % (path, hp["activation"], hp["norm_first"]))
    S = len(doc["source"]["vocabulary"])
    T = len(doc["target"]["vocabulary"])
    P = hp["max_positions"]
    shapes = expected_transformer_shapes(hp["d_model"], hp["nhead"], hp["num_encoder_layers"],
                                         hp["num_decoder_layers"], hp["dim_feedforward"], S, T, P)
    tensors = doc["tensors"]
    if set(tensors) != set(shapes):
        raise ExportError("%s: tensors %s missing, %s unexpected"
                         % (path, sorted(set(shapes) - set(tensors))[:10], sorted(set(tensors) - set(shapes))[:10]))
    from attnscope_transformer import Seq2SeqTransformer
    model = Seq2SeqTransformer(hp["num_encoder_layers"], hp["num_decoder_layers"], hp["d_model"], hp["nhead"],
                               S, T, dim_feedforward=hp["dim_feedforward"], dropout=0.0,
                               norm_first=hp["norm_first"], activation=hp["activation"],
                               layer_norm_eps=float(hp["layer_norm_eps"]), maxlen=P)
    sd = {}
    for name, want in shapes.items():
        if list(tensors[name]["shape"]) != want:
            raise ExportError("%s: shape %s expected, %s found" % (name, want, tensors[name]["shape"]))
        sd[name] = _tensor_from_entry(name, tensors[name])
    model.load_state_dict(sd, strict=True)
    model.eval()
    return model, doc


# --------------------------------------------------------------------------
# Command line


# Reading a checkpoint without running it. torch.load unpickles: a pickle
# can name any Python callable (a __reduce__ to os.system) and have it
# called while it is read. weights_only=True allows only tensors and plain
# containers; torch 1.13's weights_only reader also lacks some of pickle's
# opcodes, among them BINFLOAT (added in torch 2.0), so that it refuses any
# checkpoint holding a Python float (tools/train_*.py's settings: the
# learning rate, dropout). A checkpoint it refuses is read a second time by
# Python's own unpickler restricted to the same globals as weights_only
# (_safe_globals): every opcode, the same callables. What needs any other
# global is refused, naming it, unless trust is given (--trust-checkpoint).

TRUST_OPTION = "--trust-checkpoint"


class _Refused(pickle.UnpicklingError):
    """What the restricted reader refused: what (for the message) is what the file would do."""

    def __init__(self, what):
        super().__init__(what)
        self.what = what


def _safe_globals():
    """The globals torch 1.13's weights_only reader allows, plus set and frozenset."""
    from torch import _weights_only_unpickler
    allowed = dict(_weights_only_unpickler._get_allowed_globals())
    for module in ("builtins", "__builtin__"):
        allowed[module + ".set"] = set
        allowed[module + ".frozenset"] = frozenset
    return allowed


class _RestrictedUnpickler(pickle._Unpickler):
    """Python's unpickler (its Python version, whose opcodes can be
    overridden), with weights_only's rules: a global (the only way a pickle
    reaches a callable) must be one of _safe_globals(), and BUILD (which sets
    attributes) only applies to tensors, parameters and OrderedDicts, never
    to a class or a function."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def find_class(self, module, name):
        full = "%s.%s" % (module, name)
        allowed = _safe_globals()
        if full in allowed:
            return allowed[full]
        if module == "torch.tensor" and "torch._tensor.%s" % name in allowed:  # torch's own renaming
            return allowed["torch._tensor.%s" % name]
        raise _Refused("call %s" % _show(full, 80))

    def load_build(self):
        inst = self.stack[-2]  # under the state
        if type(inst) not in (torch.Tensor, torch.nn.Parameter, collections.OrderedDict):
            raise _Refused("set attributes of %s" % _show(inst, 80))
        pickle._Unpickler.load_build(self)

    dispatch[pickle.BUILD[0]] = load_build


class _RestrictedPickleModule:
    """A pickle_module for torch.load: its Unpickler and load refuse unknown globals."""
    __name__ = "attnscope_restricted_pickle"
    Unpickler = _RestrictedUnpickler

    @staticmethod
    def load(f, **kwargs):
        return _RestrictedUnpickler(f, **kwargs).load()


def _load_restricted(path):
    """torch.load's own reading with _RestrictedPickleModule. (torch 1.13's
    torch.load ignores pickle_module unless weights_only, and then uses its
    own: its reading functions are called here directly.)"""
    from torch import serialization
    with open(path, "rb") as f:
        if serialization._is_zipfile(f):
            with serialization._open_zipfile_reader(f) as z:
                return serialization._load(z, "cpu", _RestrictedPickleModule, encoding="utf-8")
        return serialization._legacy_load(f, "cpu", _RestrictedPickleModule, encoding="utf-8")


def _is_torchscript(path):
    """A TorchScript archive (torch.jit.save): torch.load would hand it to torch.jit.load, weights_only or not."""
    try:
        with zipfile.ZipFile(path) as z:
            return any(n.split("/", 1)[-1] == "constants.pkl" for n in z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _first_line(e):
    text = str(e).strip().splitlines()
    return text[-1].strip() if text else type(e).__name__


def load_checkpoint(path, trust=False):
    """Reads a checkpoint without running code from it (see above); with
    trust, with torch.load's full unpickling (which runs whatever the file
    says). Returns what was saved; ExportError or OSError naming path."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        if not os.path.exists(path):
            raise OSError(2, "%s: no such file" % path)
        raise ExportError("%s: not a regular file" % path)
    if _is_torchscript(path):
        raise ExportError("%s is a TorchScript archive (torch.jit.save), not a checkpoint (torch.save of a dict)" % path)
    try:
        if trust:
            return torch.load(path, map_location="cpu", weights_only=False)
        try:
            return torch.load(path, map_location="cpu", weights_only=True)
        except pickle.UnpicklingError:
            pass
        return _load_restricted(path)
    except _Refused as e:
        raise ExportError("%s: reading this checkpoint would %s, which is more than tensors and plain data: "
                          "unpickling it could run code hidden in the file, so it was not read. If you trust "
                          "the file (you made it yourself), run again with %s" % (path, e.what, TRUST_OPTION))
    except OSError as e:
        raise OSError(e.errno, "%s: %s" % (path, e.strerror or e)) from None
    except (MemoryError, RecursionError) as e:
        raise ExportError("%s: cannot be read (%s)" % (path, type(e).__name__))
    except Exception as e:  # noqa: BLE001 - torch and pickle raise anything on a damaged file
        raise ExportError("%s: not a PyTorch checkpoint, or a damaged one (%s)" % (path, _show(_first_line(e), 200)))


def _dict(value, where, required=True):
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ExportError("%s must be a dict, found %s (a %s)" % (where, _show(value), type(value).__name__))
    return value


def _state_dict(value, where, shapes):
    """A state_dict of the checkpoint: exactly the names of shapes (without
    their prefix), float tensors of those shapes."""
    sd = _dict(value, where)
    for name, t in sd.items():
        if name not in shapes:
            raise ExportError("%s has %s, which the format does not know" % (where, _show(name)))
    for name, want in shapes.items():
        if name not in sd:
            raise ExportError("%s lacks %s" % (where, name))
        t = sd[name]
        if not isinstance(t, torch.Tensor):
            raise ExportError("%s[%r] is a %s, not a tensor" % (where, name, type(t).__name__))
        if not t.is_floating_point():
            raise ExportError("%s[%r] holds %s, not floating-point numbers" % (where, name, t.dtype))
        if list(t.shape) != want:
            raise ExportError("%s[%r] has shape %s, %s expected" % (where, name, list(t.shape), want))
    return sd


def _load_modules(make, where):
    """Builds the modules and loads their state (already checked): any error left is one line."""
    try:
        return make()
    except (RuntimeError, TypeError, ValueError) as e:
        if isinstance(e, ExportError):
            raise
        raise ExportError("%s do not fit the tutorial's modules: %s" % (where, _show(_first_line(e), 300)))


def _checkpoint_languages(ck, source_language, target_language):
    languages = dict(_dict(ck.get("languages"), "languages", required=False))
    if source_language is not None:
        languages["source"] = source_language
    if target_language is not None:
        languages["target"] = target_language
    return languages


def export_checkpoint(checkpoint_path, out_path, encoding="base64", max_positions=None,
                      source_language=None, target_language=None, trust_checkpoint=False):
    """Exports a checkpoint: one saved by tools/train_gru.py (a dict with
    encoder_state, decoder_state, hidden_size, source_vocab, target_vocab,
    settings, metadata and the optional special ids / tokenizers), or a
    transformer checkpoint (a dict with "architecture": "transformer"; see
    the module's docstring). max_positions (transformer only) overrides the
    checkpoint's. source_language / target_language (BCP 47 tags) override the
    checkpoint's "languages" {"source": ..., "target": ...}. The checkpoint is
    read without running code from it (load_checkpoint) unless
    trust_checkpoint. Everything is checked before anything is written.
    Returns the model dict; ExportError (a ValueError) names the checkpoint
    and what is wrong, OSError what could not be read or written."""
    ck = load_checkpoint(checkpoint_path, trust=trust_checkpoint)
    try:
        if not isinstance(ck, dict):
            raise ExportError("a checkpoint is a dict, this is a %s" % type(ck).__name__)
        architecture = ck.get("architecture", ARCHITECTURE)
        if architecture == TRANSFORMER:
            model = build_transformer_checkpoint_dict(ck, encoding, max_positions, source_language, target_language)
        elif architecture == ARCHITECTURE:
            model = build_gru_checkpoint_dict(ck, encoding, source_language, target_language)
        else:
            raise ExportError("architecture %s (this exporter knows %s and %s)"
                              % (_show(architecture), ARCHITECTURE, TRANSFORMER))
    except ExportError as e:
        raise ExportError("%s: %s" % (checkpoint_path, e)) from None
    write_json_atomically(model, out_path)
    return model


def build_gru_checkpoint_dict(ck, encoding="base64", source_language=None, target_language=None):
    """The model dict of tools/train_gru.py's checkpoint (already loaded: the dict ck), checked."""
    for key in ("encoder_state", "decoder_state", "hidden_size", "source_vocab", "target_vocab"):
        if key not in ck:
            raise ExportError("checkpoint lacks %r (not saved by tools/train_gru.py?)" % key)
    H = _integer(ck["hidden_size"], "hidden_size", 1, MAX_HIDDEN)
    src = _vocabulary_list(ck["source_vocab"], "source")
    tgt = _vocabulary_list(ck["target_vocab"], "target")
    shapes = expected_shapes(H, len(src), len(tgt))
    for key, prefix in (("encoder_state", "encoder."), ("decoder_state", "decoder.")):
        _state_dict(ck[key], key, {n[len(prefix):]: want for n, want in shapes.items() if n.startswith(prefix)})
    settings = _dict(ck.get("settings"), "settings", required=False)
    max_target_length = _integer(settings.get("max_target_length", 10), "settings' max_target_length", 1, MAX_LENGTH)
    metadata = _dict(ck.get("metadata"), "metadata", required=False)
    languages = _checkpoint_languages(ck, source_language, target_language)

    def make():
        encoder = EncoderRNN(len(src), H)
        decoder = AttnDecoderRNN(H, len(tgt))
        encoder.load_state_dict(ck["encoder_state"])
        decoder.load_state_dict(ck["decoder_state"])
        return encoder.eval(), decoder.eval()

    encoder, decoder = _load_modules(make, "encoder_state / decoder_state")
    return build_model_dict(
        encoder, decoder, src, tgt,
        sos_index=ck.get("sos_index", 0), eos_index=ck.get("eos_index", 1), unk_index=ck.get("unk_index"),
        source_tokenizer=ck.get("source_tokenizer", "words"),
        target_tokenizer=ck.get("target_tokenizer", "words"),
        max_target_length=max_target_length, metadata=metadata, encoding=encoding,
        source_language=languages.get("source"), target_language=languages.get("target"))


TRANSFORMER_CONFIG = {  # Seq2SeqTransformer's keyword arguments: (type, required, loader limits)
    "num_encoder_layers": (int, True, (1, 64)), "num_decoder_layers": (int, True, (1, 64)),
    "emb_size": (int, True, (1, 8192)), "nhead": (int, True, (1, 256)),
    "src_vocab_size": (int, True, (1, MAX_VOCAB)), "tgt_vocab_size": (int, True, (1, MAX_VOCAB)),
    "dim_feedforward": (int, False, (1, 65536)), "dropout": (float, False, None),
    "norm_first": (bool, False, None), "activation": (str, False, None),
    "layer_norm_eps": (float, False, None), "maxlen": (int, False, (1, 1 << 24)),
}


def _transformer_config(config):
    """The checkpoint's config, checked before Seq2SeqTransformer(**config) allocates anything."""
    config = _dict(config, "config")
    for key, value in config.items():
        if key not in TRANSFORMER_CONFIG:
            raise ExportError("config: %s is not one of Seq2SeqTransformer's arguments (%s)"
                              % (_show(key), ", ".join(TRANSFORMER_CONFIG)))
    for key, (kind, required, limits) in TRANSFORMER_CONFIG.items():
        if key not in config:
            if required:
                raise ExportError("config lacks %r" % key)
            continue
        value = config[key]
        if kind is int:
            _integer(value, "config's %s" % key, *limits)
        elif kind is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ExportError("config's %s must be a number, found %s" % (key, _show(value)))
        elif not isinstance(value, kind):
            raise ExportError("config's %s must be a %s, found %s" % (key, kind.__name__, _show(value)))
    if config["emb_size"] % config["nhead"]:
        raise ExportError("config's nhead %d does not divide emb_size %d" % (config["nhead"], config["emb_size"]))
    if config.get("activation", "relu") not in ("relu", "gelu"):
        raise ExportError("config's activation is %s: the format has 'relu' and 'gelu'" % _show(config["activation"]))
    if not 0 <= config.get("dropout", 0.1) < 1:
        raise ExportError("config's dropout is %r, must be between 0 and 1" % config["dropout"])
    eps = config.get("layer_norm_eps", 1e-5)
    if not 0 < eps < 1:
        raise ExportError("config's layer_norm_eps is %r: the loader takes a number above 0 and below 1" % eps)
    return dict(config)


def build_transformer_checkpoint_dict(ck, encoding="base64", max_positions=None, source_language=None,
                                      target_language=None):
    """The model dict of a transformer checkpoint (already loaded: the dict ck), checked."""
    for key in ("config", "state_dict", "source_vocab", "target_vocab", "special"):
        if key not in ck:
            raise ExportError("transformer checkpoint lacks %r" % key)
    special = _dict(ck["special"], "special")
    for key in ("bos", "eos"):
        if key not in special:
            raise ExportError("the checkpoint's special lacks %r" % key)
    config = _transformer_config(ck["config"])
    src = _vocabulary_tokens(ck["source_vocab"], "source")
    tgt = _vocabulary_tokens(ck["target_vocab"], "target")
    for key, vocab in (("src_vocab_size", src), ("tgt_vocab_size", tgt)):
        if config[key] != len(vocab):
            raise ExportError("config's %s is %d, the vocabulary has %d tokens" % (key, config[key], len(vocab)))
    maxlen = config.get("maxlen", 5000)
    shapes = expected_transformer_shapes(config["emb_size"], config["nhead"], config["num_encoder_layers"],
                                         config["num_decoder_layers"], config.get("dim_feedforward", 512),
                                         len(src), len(tgt), maxlen)
    _state_dict(ck["state_dict"], "state_dict", shapes)
    if max_positions is None:
        max_positions = ck.get("max_positions")
    if max_positions is None:
        max_positions = min(256, maxlen)
    max_positions = _integer(max_positions, "max_positions", 1, TRANSFORMER_LIMITS["max_positions"])
    if max_positions > maxlen:
        raise ExportError("max_positions %d is more than the %d rows of the positional encoding (config's maxlen)"
                          % (max_positions, maxlen))
    max_target_length = ck.get("max_target_length")
    if max_target_length is not None:
        _integer(max_target_length, "max_target_length", 1, MAX_LENGTH)
    tokenizers = _dict(ck.get("tokenizers"), "tokenizers", required=False)
    metadata = _dict(ck.get("metadata"), "metadata", required=False)
    languages = _checkpoint_languages(ck, source_language, target_language)

    def make():
        from attnscope_transformer import Seq2SeqTransformer
        model = Seq2SeqTransformer(**config)
        model.load_state_dict(ck["state_dict"], strict=True)
        return model.eval()

    model = _load_modules(make, "config / state_dict")
    return build_transformer_dict(
        model, src, tgt,
        bos_index=special["bos"], eos_index=special["eos"], pad_index=special.get("pad"),
        unk_index=special.get("unk"), source_tokenizer=tokenizers.get("source", "words"),
        target_tokenizer=tokenizers.get("target", "words"), max_target_length=max_target_length,
        metadata=metadata, encoding=encoding, max_positions=max_positions,
        source_language=languages.get("source"), target_language=languages.get("target"))


def export_transformer_checkpoint(ck, checkpoint_path, out_path, encoding="base64", max_positions=None,
                                  languages=None):
    """Exports a transformer checkpoint (already loaded: the dict ck)."""
    languages = languages or {}
    try:
        model = build_transformer_checkpoint_dict(ck, encoding, max_positions, languages.get("source"),
                                                  languages.get("target"))
    except ExportError as e:
        raise ExportError("%s: %s" % (checkpoint_path, e)) from None
    write_json_atomically(model, out_path)
    return model


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Export a checkpoint (tools/train_gru.py's, or a transformer checkpoint: see the module "
                    "docstring) as an AttnScope model file. Everything the viewer's loader checks is checked "
                    "first: a file that would not load is not written.",
        epilog="The checkpoint is read without running code from it: only tensors and plain data (dicts, "
               "lists, strings, numbers) are accepted, as torch.load(weights_only=True) does. A checkpoint "
               "that needs anything else (a class of its own, numpy arrays, a callable) is refused, naming "
               "what it needs; %s reads it with full unpickling, which runs whatever code the file holds: "
               "only for files you trust." % TRUST_OPTION)
    p.add_argument("checkpoint", help="checkpoint .pt (tools/train_gru.py's or a transformer checkpoint)")
    p.add_argument("out", help="model file to write (.json)")
    p.add_argument("--encoding", choices=("base64", "json"), default="base64",
                   help="tensor data as base64 of little-endian float32 (default) or JSON arrays")
    p.add_argument("--max-positions", type=int, default=None,
                   help="transformer: rows of the positional encoding to write (default: the checkpoint's "
                        "max_positions, else 256 or the model's maxlen when smaller)")
    p.add_argument("--source-language", default=None,
                   help="the source side's language, a BCP 47 tag such as en (default: the checkpoint's, else none)")
    p.add_argument("--target-language", default=None,
                   help="the target side's language, a BCP 47 tag such as zh-CN (default: the checkpoint's, else none)")
    p.add_argument(TRUST_OPTION, action="store_true",
                   help="read the checkpoint with torch.load's full unpickling, which RUNS ANY CODE the file "
                        "holds (needed only for checkpoints with objects other than tensors and plain data); "
                        "use only on files you trust")
    args = p.parse_args(argv)
    try:
        model = export_checkpoint(args.checkpoint, args.out, args.encoding, args.max_positions,
                                  args.source_language, args.target_language,
                                  trust_checkpoint=args.trust_checkpoint)
    except (ValueError, OSError) as e:
        print("attnscope_export: %s" % _one_line(e), file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 - one line, never a traceback, even for a case not foreseen
        print("attnscope_export: %s: unexpected error (please report it): %s: %s"
              % (_one_line(args.checkpoint), type(e).__name__, _one_line(e)), file=sys.stderr)
        return 1
    hp = model["hyperparameters"]
    if model["architecture"] == TRANSFORMER:
        sizes = ("transformer d_model %d, %d heads, %d+%d layers, feed-forward %d, %s, %s, %d positions"
                 % (hp["d_model"], hp["nhead"], hp["num_encoder_layers"], hp["num_decoder_layers"],
                    hp["dim_feedforward"], "pre-norm" if hp["norm_first"] else "post-norm", hp["activation"],
                    hp["max_positions"]))
    else:
        sizes = "hidden %d" % hp["hidden_size"]
    print("wrote %s (%s, source vocabulary %d, target vocabulary %d, %d bytes)"
          % (_one_line(args.out), sizes, len(model["source"]["vocabulary"]),
             len(model["target"]["vocabulary"]), os.path.getsize(args.out)))
    return 0


def _one_line(e):
    """A message (or path) for the terminal: one line, control characters escaped."""
    text = e.strerror if isinstance(e, OSError) and e.filename is None and e.strerror else str(e)
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


if __name__ == "__main__":
    sys.exit(main())
