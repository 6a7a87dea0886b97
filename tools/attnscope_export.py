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
        [--max-positions P]

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
import json
import re
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


def _tokenizer_spec(tokenizer, side, types=TOKENIZER_TYPES):
    """'words' / 'characters' (/ 'whitespace' where types has it) or a dict
    {"type": ..., "lowercase": ...}."""
    if isinstance(tokenizer, str):
        spec = {"type": tokenizer}
    elif isinstance(tokenizer, dict):
        spec = dict(tokenizer)
    else:
        raise ValueError("%s tokenizer must be a string or a dict, got %r" % (side, tokenizer))
    if spec.get("type") not in types:
        raise ValueError("%s tokenizer type must be one of %s, got %r" % (side, types, spec.get("type")))
    extra = set(spec) - {"type", "lowercase"}
    if extra:
        raise ValueError("%s tokenizer: unknown keys %s" % (side, sorted(extra)))
    if "lowercase" not in spec:
        spec["lowercase"] = spec["type"] == "words"
    if not isinstance(spec["lowercase"], bool):
        raise ValueError("%s tokenizer lowercase must be a boolean" % side)
    return {"type": spec["type"], "lowercase": spec["lowercase"]}


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")


def _language(tag, side):
    """A side's language as model files name it (BCP 47: "en", "zh-CN"), or
    None; the same rule as the loader's (as_vocab_language_is_valid)."""
    if tag is None:
        return None
    if not isinstance(tag, str) or len(tag) > 35 or not _LANGUAGE_TAG.match(tag):
        raise ValueError("%s language must be a language tag such as 'en' or 'zh-CN', got %r" % (side, tag))
    return tag


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
                     source_join=None, target_join=None, source_language=None, target_language=None):
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
            raise ValueError("%s must be an integer >= 1, got %r" % (name, v))
    if d % nhead:
        raise ValueError("d_model %d is not a multiple of nhead %d" % (d, nhead))
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
    raise ValueError("%s.activation is %r: the format says only 'relu' (F.relu) or 'gelu' (F.gelu)" % (where, fn))


def transformer_hyperparameters(model, max_positions=256):
    """Reads the nine hyperparameters of the file from a Seq2SeqTransformer
    (model.transformer's layers), refusing a model whose options the format
    cannot say (layers that differ, custom attention options, no final norms)."""
    import torch.nn as nn
    tr = getattr(model, "transformer", None)
    if not isinstance(tr, nn.Transformer):
        raise ValueError("model.transformer is %r, not an nn.Transformer: not the tutorial's Seq2SeqTransformer?"
                         % type(tr).__name__)
    enc_layers = list(getattr(tr.encoder, "layers", []))
    dec_layers = list(getattr(tr.decoder, "layers", []))
    if not enc_layers or not dec_layers:
        raise ValueError("the model needs at least one encoder and one decoder layer")
    first = enc_layers[0]
    if not isinstance(first, nn.TransformerEncoderLayer):
        raise ValueError("encoder layer 0 is a %s, not an nn.TransformerEncoderLayer" % type(first).__name__)
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
            raise ValueError("%s is a %s, not an nn.%s" % (where, type(layer).__name__, cls.__name__))
        for a in attns:
            mha = getattr(layer, a)
            if int(mha.embed_dim) != d or int(mha.num_heads) != hp["nhead"]:
                raise ValueError("%s.%s: embed_dim %d, %d heads; the format has one d_model (%d) and nhead (%d)"
                                 % (where, a, mha.embed_dim, mha.num_heads, d, hp["nhead"]))
            if not mha._qkv_same_embed_dim or mha.in_proj_weight is None or mha.in_proj_bias is None:
                raise ValueError("%s.%s: separate q/k/v projections or no bias: the format has in_proj_weight "
                                 "and in_proj_bias" % (where, a))
            if mha.bias_k is not None or mha.bias_v is not None or mha.add_zero_attn:
                raise ValueError("%s.%s: add_bias_kv / add_zero_attn are not in the format" % (where, a))
        if int(layer.linear1.out_features) != hp["dim_feedforward"]:
            raise ValueError("%s: dim_feedforward %d, layer 0 of the encoder has %d; the format has one"
                             % (where, layer.linear1.out_features, hp["dim_feedforward"]))
        if bool(layer.norm_first) != hp["norm_first"]:
            raise ValueError("%s: norm_first %s, layer 0 of the encoder has %s; the format has one"
                             % (where, layer.norm_first, hp["norm_first"]))
        if _activation_name(layer.activation, where) != hp["activation"]:
            raise ValueError("%s: activation %s, layer 0 of the encoder has %s; the format has one"
                             % (where, _activation_name(layer.activation, where), hp["activation"]))
        norms += [("%s.norm%d" % (where, k), getattr(layer, "norm%d" % k)) for k in range(1, n_norms + 1)]
    norms += [("transformer.encoder.norm", tr.encoder.norm), ("transformer.decoder.norm", tr.decoder.norm)]
    for where, norm in norms:
        if not isinstance(norm, nn.LayerNorm):
            raise ValueError("%s is %r, not an nn.LayerNorm (the format has a final norm on each side)"
                             % (where, type(norm).__name__))
        if not norm.elementwise_affine or list(norm.normalized_shape) != [d]:
            raise ValueError("%s: a LayerNorm over [d_model] with weight and bias expected" % where)
        if float(norm.eps) != hp["layer_norm_eps"]:
            raise ValueError("%s.eps is %r, encoder layer 0's norm1.eps %r; the format has one layer_norm_eps"
                             % (where, norm.eps, hp["layer_norm_eps"]))
    if not (hp["layer_norm_eps"] > 0 and math.isfinite(hp["layer_norm_eps"])):
        raise ValueError("layer_norm_eps %r must be a finite number > 0" % hp["layer_norm_eps"])
    for emb in ("src_tok_emb", "tgt_tok_emb"):
        size = getattr(getattr(model, emb, None), "emb_size", d)
        if size != d:
            raise ValueError("%s.emb_size is %r, d_model %d: the embeddings are scaled by sqrt(d_model)" % (emb, size, d))
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
        raise ValueError("max_positions must be an integer >= 1, got %r" % (max_positions,))
    hp = transformer_hyperparameters(model, max_positions)

    sd = model.state_dict()
    pos = sd.get("positional_encoding.pos_embedding")
    if pos is None:
        raise ValueError("the model has no positional_encoding.pos_embedding: not the tutorial's Seq2SeqTransformer?")
    if pos.dim() != 3 or pos.shape[1] != 1:
        raise ValueError("positional_encoding.pos_embedding has shape %s, [maxlen, 1, d_model] expected" % list(pos.shape))
    if pos.shape[0] < max_positions:
        raise ValueError("max_positions %d is more than the %d rows of positional_encoding.pos_embedding"
                         % (max_positions, pos.shape[0]))
    named = dict(sd)
    named["positional_encoding.pos_embedding"] = pos[:max_positions]

    shapes = expected_transformer_shapes(hp["d_model"], hp["nhead"], hp["num_encoder_layers"],
                                         hp["num_decoder_layers"], hp["dim_feedforward"], S, T, max_positions)
    extra = set(named) - set(shapes)
    if extra:
        raise ValueError("the model's state_dict has tensors the format does not know: %s" % sorted(extra)[:10])
    missing = set(shapes) - set(named)
    if missing:
        raise ValueError("the model's state_dict lacks %s" % sorted(missing)[:10])
    for n, want in shapes.items():
        got = list(named[n].shape)
        if got != want:
            raise ValueError("%s: shape %s expected (d_model %d, nhead %d, dim_feedforward %d, source vocabulary %d, "
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
        raise ValueError("max_target_length must be None or an integer 1..1000, got %r" % (max_target_length,))
    if metadata is not None and not isinstance(metadata, dict):
        raise ValueError("metadata must be a dict")
    if encoding not in ("base64", "json"):
        raise ValueError("encoding must be 'base64' or 'json', got %r" % (encoding,))

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
    doc["metadata"] = dict(metadata or {})
    doc["tensors"] = {n: _tensor_entry(n, named[n], encoding) for n in shapes}
    json.dumps(doc["metadata"], allow_nan=False, ensure_ascii=False)
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


def load_transformer(path):
    """Reads an AttnScope model file (architecture transformer) back into the
    tutorial's Seq2SeqTransformer. Returns (model, model_dict): the model in
    eval mode with the file's weights (its positional encoding has the file's
    max_positions rows); model_dict is the parsed JSON (tensor data left as stored)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("format") != FORMAT:
        raise ValueError("%s: not an AttnScope model (format %r)" % (path, doc.get("format")))
    if doc.get("format_version") != FORMAT_VERSION:
        raise ValueError("%s: format version %r, this loader reads %d" % (path, doc.get("format_version"), FORMAT_VERSION))
    if doc.get("architecture") != TRANSFORMER:
        raise ValueError("%s: architecture %r, this loader reads %s" % (path, doc.get("architecture"), TRANSFORMER))
    hp = doc["hyperparameters"]
    if set(hp) != set(TRANSFORMER_HYPERPARAMETERS):
        raise ValueError("%s: hyperparameters %s missing, %s unknown"
                         % (path, sorted(set(TRANSFORMER_HYPERPARAMETERS) - set(hp)),
                            sorted(set(hp) - set(TRANSFORMER_HYPERPARAMETERS))))
    if hp["activation"] not in ("relu", "gelu") or not isinstance(hp["norm_first"], bool):
        raise ValueError("%s: activation %r, norm_first %r" % (path, hp["activation"], hp["norm_first"]))
    S = len(doc["source"]["vocabulary"])
    T = len(doc["target"]["vocabulary"])
    P = hp["max_positions"]
    shapes = expected_transformer_shapes(hp["d_model"], hp["nhead"], hp["num_encoder_layers"],
                                         hp["num_decoder_layers"], hp["dim_feedforward"], S, T, P)
    tensors = doc["tensors"]
    if set(tensors) != set(shapes):
        raise ValueError("%s: tensors %s missing, %s unexpected"
                         % (path, sorted(set(shapes) - set(tensors))[:10], sorted(set(tensors) - set(shapes))[:10]))
    from attnscope_transformer import Seq2SeqTransformer
    model = Seq2SeqTransformer(hp["num_encoder_layers"], hp["num_decoder_layers"], hp["d_model"], hp["nhead"],
                               S, T, dim_feedforward=hp["dim_feedforward"], dropout=0.0,
                               norm_first=hp["norm_first"], activation=hp["activation"],
                               layer_norm_eps=float(hp["layer_norm_eps"]), maxlen=P)
    sd = {}
    for name, want in shapes.items():
        if list(tensors[name]["shape"]) != want:
            raise ValueError("%s: shape %s expected, %s found" % (name, want, tensors[name]["shape"]))
        sd[name] = _tensor_from_entry(name, tensors[name])
    model.load_state_dict(sd, strict=True)
    model.eval()
    return model, doc


# --------------------------------------------------------------------------
# Command line


def export_checkpoint(checkpoint_path, out_path, encoding="base64", max_positions=None,
                      source_language=None, target_language=None):
    """Exports a checkpoint: one saved by tools/train_gru.py (a dict with
    encoder_state, decoder_state, hidden_size, source_vocab, target_vocab,
    settings, metadata and the optional special ids / tokenizers), or a
    transformer checkpoint (a dict with "architecture": "transformer"; see
    the module's docstring). max_positions (transformer only) overrides the
    checkpoint's. source_language / target_language (BCP 47 tags) override the
    checkpoint's "languages" {"source": ..., "target": ...}. Returns the
    model dict."""
    ck = torch.load(checkpoint_path, map_location="cpu")
    if not isinstance(ck, dict):
        raise ValueError("%s: a checkpoint is a dict, this is a %s" % (checkpoint_path, type(ck).__name__))
    languages = dict(ck.get("languages") or {})
    if source_language is not None:
        languages["source"] = source_language
    if target_language is not None:
        languages["target"] = target_language
    if ck.get("architecture", ARCHITECTURE) == TRANSFORMER:
        return export_transformer_checkpoint(ck, checkpoint_path, out_path, encoding, max_positions, languages)
    if ck.get("architecture", ARCHITECTURE) != ARCHITECTURE:
        raise ValueError("%s: architecture %r (this exporter knows %s and %s)"
                         % (checkpoint_path, ck.get("architecture"), ARCHITECTURE, TRANSFORMER))
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
        metadata=ck.get("metadata"), encoding=encoding,
        source_language=languages.get("source"), target_language=languages.get("target"))


def export_transformer_checkpoint(ck, checkpoint_path, out_path, encoding="base64", max_positions=None,
                                  languages=None):
    """Exports a transformer checkpoint (already loaded: the dict ck)."""
    for key in ("config", "state_dict", "source_vocab", "target_vocab", "special"):
        if key not in ck:
            raise ValueError("%s: transformer checkpoint lacks %r" % (checkpoint_path, key))
    special = ck["special"]
    for key in ("bos", "eos"):
        if key not in special:
            raise ValueError("%s: checkpoint's special lacks %r" % (checkpoint_path, key))
    from attnscope_transformer import Seq2SeqTransformer
    config = dict(ck["config"])
    try:
        model = Seq2SeqTransformer(**config)
    except TypeError as e:
        raise ValueError("%s: config %r is not Seq2SeqTransformer's keyword arguments (%s)" % (checkpoint_path, config, e))
    model.load_state_dict(ck["state_dict"], strict=True)
    model.eval()
    rows = int(model.positional_encoding.pos_embedding.shape[0])
    if max_positions is None:
        max_positions = ck.get("max_positions")
    if max_positions is None:
        max_positions = min(256, rows)
    tokenizers = ck.get("tokenizers") or {}
    return export_transformer(
        model, ck["source_vocab"], ck["target_vocab"], out_path,
        bos_index=special["bos"], eos_index=special["eos"], pad_index=special.get("pad"),
        unk_index=special.get("unk"), source_tokenizer=tokenizers.get("source", "words"),
        target_tokenizer=tokenizers.get("target", "words"), max_target_length=ck.get("max_target_length"),
        metadata=ck.get("metadata"), encoding=encoding, max_positions=int(max_positions),
        source_language=(languages or {}).get("source"), target_language=(languages or {}).get("target"))


def main(argv=None):
    p = argparse.ArgumentParser(description="Export a checkpoint (tools/train_gru.py's, or a transformer "
                                            "checkpoint: see the module docstring) as an AttnScope model file.")
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
    args = p.parse_args(argv)
    try:
        model = export_checkpoint(args.checkpoint, args.out, args.encoding, args.max_positions,
                                  args.source_language, args.target_language)
    except (ValueError, OSError) as e:
        print("attnscope_export: %s" % e, file=sys.stderr)
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
          % (args.out, sizes, len(model["source"]["vocabulary"]),
             len(model["target"]["vocabulary"]), os.path.getsize(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
