#!/usr/bin/env python3
"""Generates the bad model files of tests/bad-models/ from data/models/tiny-hello.json.

    python3 tests/bad-models/make.py

Each fixture NAME.json is a model file that the loader must refuse, and
NAME.expected holds the one line (no newline at the end) that
as_model_new_from_file() must give for it: the file's base name, a colon and
what is wrong where. tests/robustness/test-bad-models.c checks every pair,
and tests/robustness/test-cli-bad-models.py checks that attnscope-cli prints
"attnscope-cli: " + that line and nothing else.

Most fixtures are tiny-hello with one thing broken, so that the message is
about that one thing. The messages below were read and judged one by one;
when one changes, the loader's message changed: read it again.

The files are committed; run this script again after changing it and commit
the result. It removes the fixtures it no longer makes.
"""

import base64
import copy
import json
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TINY = os.path.join(HERE, "..", "..", "data", "models", "tiny-hello.json")

with open(TINY, encoding="utf-8") as f:
    BASE = json.load(f)
TINY_TRANSFORMER = os.path.join(HERE, "..", "..", "data", "models", "tiny-transformer.json")
with open(TINY_TRANSFORMER, encoding="utf-8") as f:
    BASE_TRANSFORMER = json.load(f)

FIXTURES = {}  # name -> (bytes, expected message without the "NAME.json: " prefix)


def dump(value, indent=0):
    """JSON like tiny-hello's: objects one member a line, arrays of scalars
    on one line, arrays of arrays one row a line."""
    pad = "  " * indent
    inner = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [inner + json.dumps(k, ensure_ascii=False) + ": " + dump(v, indent + 1) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if any(isinstance(v, (list, dict)) for v in value):
            items = [inner + dump(v, indent + 1) for v in value]
            return "[\n" + ",\n".join(items) + "\n" + pad + "]"
        return "[" + ", ".join(dump(v, indent + 1) for v in value) + "]"
    if isinstance(value, Raw):
        return value.text
    return json.dumps(value, ensure_ascii=False)


class Raw:
    """A literal piece of JSON text that json.dumps cannot write (1e999, huge integers)."""

    def __init__(self, text):
        self.text = text


def fixture(name, expected, base=None):
    """Decorates a function that returns the file's content (bytes, str, or a
    document to dump) or mutates a copy of tiny-hello (or of @base, returning
    None)."""

    def register(fn):
        doc = copy.deepcopy(BASE if base is None else base)
        result = fn(doc)
        if result is None:
            result = doc
        if isinstance(result, (dict, list)):
            result = dump(result) + "\n"
        if isinstance(result, str):
            result = result.encode("utf-8")
        assert name not in FIXTURES, name
        FIXTURES[name] = (result, expected)
        return fn

    return register


def tiny_text():
    return dump(copy.deepcopy(BASE)) + "\n"


def b64(values):
    return base64.b64encode(struct.pack("<%df" % len(values), *values)).decode("ascii")


def flat(data):
    if isinstance(data, list):
        return [x for item in data for x in flat(item)]
    return [data]


T = "tensors"
EMB = "encoder.embedding.weight"
OUT_B = "decoder.out.bias"
VA_B = "decoder.attention.Va.bias"
WA_B = "decoder.attention.Wa.bias"

# ---- not a JSON document -------------------------------------------------------------

fixture("empty", "the file is empty")(lambda d: b"")
fixture("only-white-space", "not valid JSON: there is only white space")(lambda d: b"  \n\t \r\n")
fixture("truncated", "not valid JSON: the file ends with 4 brackets still open (is it cut short?)")(
    lambda d: tiny_text()[:tiny_text().index("\n        [-0.812") + 1])
fixture("truncated-in-string", "not valid JSON: the file ends inside the string that starts at line 43, column 5 (is it cut short?)")(
    lambda d: tiny_text()[:tiny_text().index('"training_data"') + 9])
fixture("invalid-utf8", "line 41, column 27: invalid UTF-8")(
    lambda d: tiny_text().encode().replace(b'"A hand-sized', b'"A hand\xff-sized', 1))
fixture("invalid-utf8-overlong", "line 40, column 14: invalid UTF-8")(
    lambda d: tiny_text().encode().replace(b'"tiny-hello"', b'"\xc0\xafetc"', 1))
fixture("invalid-utf8-surrogate", "line 14, column 54: invalid UTF-8")(
    lambda d: tiny_text().encode().replace(b'"world"', b'"w\xed\xa0\x80rld"', 1))
fixture("nul-byte", "line 2, column 23: a NUL byte (this is not a text file)")(
    lambda d: tiny_text().encode().replace(b'"attnscope-model"', b'"attnscope\x00model"', 1))
fixture("binary", "line 1, column 1: invalid UTF-8")(lambda d: bytes(range(255, 0, -1)) * 4)
fixture("not-json", "not valid JSON: line 1, column 1: a value is expected, found 'this'")(
    lambda d: "this is not a model\n")
fixture("trailing-garbage", "not valid JSON: line 223, column 1: '}' after the end of the document")(
    lambda d: tiny_text() + "}\n")
fixture("nan-literal", "not valid JSON: line 50, column 10: a value is expected, found 'NaN'")(
    lambda d: tiny_text().replace("[-0.82,", "[NaN,", 1))
fixture("deep-nesting-arrays", "line 1, column 65: nested more than 64 levels deep")(
    lambda d: "[" * 100000 + "]" * 100000)
fixture("deep-nesting-objects", "line 1, column 385: nested more than 64 levels deep")(
    lambda d: '{"a": ' * 100000 + "1" + "}" * 100000)
fixture("deep-nesting-unclosed", "line 1, column 65: nested more than 64 levels deep")(
    lambda d: "[" * 100000)

def replace_once(old, new):
    text = tiny_text()
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


# json-glib takes these; a model file must be strict JSON (RFC 8259)
fixture("single-quotes", "not valid JSON: line 2, column 3: a member name in double quotes is expected, "
        "found a single quote")(lambda d: replace_once('"format"', "'format'"))
fixture("unquoted-name", "not valid JSON: line 2, column 3: a member name in double quotes is expected, "
        "found 'format'")(lambda d: replace_once('"format"', "format"))
fixture("comment", "not valid JSON: line 6, column 5: a member name in double quotes is expected, found '/'")(
    lambda d: replace_once('    "hidden_size"', '    /* H */ "hidden_size"'))
fixture("trailing-comma-object", "not valid JSON: line 19, column 22: a comma before the closing '}' "
        "(JSON has no trailing commas)")(lambda d: replace_once('"padding": null\n', '"padding": null,\n'))
fixture("trailing-comma-array", "not valid JSON: line 14, column 64: a comma before the closing ']' "
        "(JSON has no trailing commas)")(lambda d: replace_once('"world", "!"]', '"world", "!",]'))
fixture("missing-comma", "not valid JSON: line 4, column 3: ',' or '}' is expected, found '\"'")(
    lambda d: replace_once('"format_version": 1,', '"format_version": 1'))
fixture("hex-number", "not valid JSON: line 6, column 20: '0x4' is not a JSON number")(
    lambda d: replace_once('"hidden_size": 4', '"hidden_size": 0x4'))
fixture("leading-zero", "not valid JSON: line 37, column 19: '06' is not a JSON number")(
    lambda d: replace_once('"max_length": 6', '"max_length": 06'))
fixture("number-no-digits", "not valid JSON: line 50, column 10: '-.82' is not a JSON number")(
    lambda d: replace_once("[-0.82,", "[-.82,"))
fixture("infinity-literal", "not valid JSON: line 50, column 10: a value is expected, found 'Infinity'")(
    lambda d: replace_once("[-0.82,", "[Infinity,"))
fixture("capital-true", "not valid JSON: line 11, column 20: a value is expected, found 'True'")(
    lambda d: replace_once('"lowercase": true', '"lowercase": True'))
fixture("tab-in-string", "not valid JSON: line 40, column 18: the control character U+0009 "
        "must be written as an escape inside a string")(lambda d: replace_once('"tiny-hello"', '"tiny\thello"'))
fixture("unclosed-string", "not valid JSON: line 40, column 13: the string is not closed at the end of its line")(
    lambda d: replace_once('"tiny-hello",', '"tiny-hello,'))
fixture("bad-escape", "not valid JSON: line 14, column 53: \\ followed by 'w' is not an escape of JSON")(
    lambda d: replace_once('"world"', '"\\world"'))
fixture("bad-unicode-escape", "not valid JSON: line 14, column 53: \\u must be followed by four hexadecimal digits")(
    lambda d: replace_once('"world"', '"\\u12world"'))
fixture("nul-escape", "not valid JSON: line 14, column 47: \\u0000 (a NUL character) is not allowed in a string")(
    lambda d: replace_once('"hello"', '"hel\\u0000lo"'))
fixture("lone-surrogate", "not valid JSON: line 28, column 55: \\ud83d is the first half of a UTF-16 surrogate "
        "pair without the second")(lambda d: replace_once('"monde"', '"\\ud83dmonde"'))
fixture("duplicate-name", 'not valid JSON: line 4, column 3: "format_version" appears twice in the same object')(
    lambda d: replace_once('"architecture"', '"format_version": 2,\n  "architecture"'))
fixture("duplicate-tensor", 'not valid JSON: line 217, column 5: "decoder.out.bias" appears twice in the same object')(
    lambda d: replace_once('"decoder.out.bias": {', '"decoder.out.bias": {"shape": [6], "data": "AAAA"},\n'
                           '    "decoder.out.bias": {'))
fixture("duplicate-name-escaped", 'not valid JSON: line 4, column 3: "format_version" appears twice in the same '
        'object (written "format_version" and "format_versio\\u006e")')(
    lambda d: replace_once('"architecture"', '"format_versio\\u006e": 2,\n  "architecture"'))
fixture("duplicate-vocabulary-escaped", 'not valid JSON: line 15, column 5: "vocabulary" appears twice in the same '
        'object (written "vocabulary" and "vocabul\\u0061ry")')(
    lambda d: replace_once('"special": {', '"vocabul\\u0061ry": ["a", "b"],\n    "special": {'))
fixture("byte-order-mark-twice", "not valid JSON: line 1, column 2: a value is expected, "
        "found a byte order mark (U+FEFF)")(lambda d: "\ufeff\ufeff" + tiny_text())

# ---- the order of the members: any order loads, and is checked in one order ----------

def reordered(d, first, last=()):
    """The document with the members @first at its start and @last at its end."""
    keys = list(first) + [k for k in d if k not in first and k not in last] + list(last)
    return {k: d[k] for k in keys}


@fixture("order-tensors-first-wrong-format", 'not an AttnScope model ("format" is "attnscope", must be "attnscope-model")')
def _(d):
    d["format"] = "attnscope"
    return reordered(d, [T])


@fixture("order-tensors-first-wrong-shape", 'tensor "decoder.out.bias": shape [6] expected (the target vocabulary '
         'has 6 tokens), [5] found')
def _(d):
    d[T][OUT_B]["shape"] = [5]
    d[T][OUT_B]["data"] = d[T][OUT_B]["data"][:5]
    return reordered(d, [T])


@fixture("order-data-before-wrong-shape", 'tensor "decoder.out.bias": shape [6] expected (the target vocabulary '
         'has 6 tokens), [5] found')
def _(d):
    d[T][OUT_B] = {"data": d[T][OUT_B]["data"][:5], "dtype": "float32", "shape": [5]}


@fixture("order-metadata-after-tensors", "metadata must be an object, found an integer")
def _(d):
    d["metadata"] = 5
    return reordered(d, [], ["metadata"])


@fixture("order-unknown-after-tensors", 'the top level: unknown field "extra" (expected: format, format_version, '
         'architecture, hyperparameters, source, target, decoding, metadata, tensors)')
def _(d):
    d["extra"] = {"a": [1, 2, 3]}


# ---- text from the file is quoted at a readable length ---------------------------------

LONG = "x" * 100000


@fixture("long-architecture", 'architecture "' + "x" * 60 + '..." is not supported (this AttnScope runs: gru-bahdanau, transformer)')
def _(d):
    d["architecture"] = LONG


@fixture("long-unknown-field", 'the top level: unknown field "' + "x" * 60 + '..." (expected: format, format_version, '
         'architecture, hyperparameters, source, target, decoding, metadata, tensors)')
def _(d):
    d[LONG] = 1


@fixture("long-tensor-name", 'tensors: unexpected tensor "' + "x" * 60 + '..." (not part of a gru-bahdanau model)')
def _(d):
    d[T] = {LONG: {"shape": [1], "data": [0]}, **d[T]}


@fixture("long-dtype", 'tensor "decoder.out.bias": dtype "' + "x" * 60 + '..." is not supported (only "float32" is)')
def _(d):
    d[T][OUT_B]["dtype"] = LONG


# the object, hidden_size and the array count: the 9998th number is the 10001st value
@fixture("hyperparameters-too-large", "line 7, column 30006: hyperparameters is too large (more than 10000 values)")
def _(d):
    d["hyperparameters"]["extra"] = [0] * 20000


# ---- the top level --------------------------------------------------------------------

fixture("top-array", "the document must be a JSON object, found an array")(lambda d: [d])
fixture("top-string", "the document must be a JSON object, found a string")(lambda d: '"attnscope-model"\n')
fixture("top-number", "the document must be a JSON object, found an integer")(lambda d: "1\n")
fixture("top-null", "the document must be a JSON object, found null")(lambda d: "null\n")
fixture("empty-object", 'not an AttnScope model (no "format": "attnscope-model")')(lambda d: {})


@fixture("format-missing", 'not an AttnScope model (no "format": "attnscope-model")')
def _(d):
    del d["format"]


@fixture("format-wrong", 'not an AttnScope model ("format" is "onnx", must be "attnscope-model")')
def _(d):
    d["format"] = "onnx"


@fixture("format-number", 'not an AttnScope model ("format" must be "attnscope-model", found an integer)')
def _(d):
    d["format"] = 1


@fixture("format-version-newer", "format version 2 is newer than this AttnScope reads (1)")
def _(d):
    d["format_version"] = 2


@fixture("format-version-zero", '"format_version" is 0, must be 1')
def _(d):
    d["format_version"] = 0


@fixture("format-version-string", '"format_version" must be an integer, found a string')
def _(d):
    d["format_version"] = "1"


@fixture("format-version-float", '"format_version" must be an integer, found a number')
def _(d):
    d["format_version"] = 1.5


@fixture("format-version-missing", '"format_version" is missing')
def _(d):
    del d["format_version"]


@fixture("format-version-huge", "line 3, column 21: the integer 99999999999999999999 is out of range (-9223372036854775807 to 9223372036854775807)")
def _(d):
    d["format_version"] = Raw("99999999999999999999")


@fixture("architecture-unsupported",
         'architecture "lstm" is not supported (this AttnScope runs: gru-bahdanau, transformer)')
def _(d):
    d["architecture"] = "lstm"


# a GRU's file that says it is a Transformer: its hyper-parameters are not a Transformer's
@fixture("architecture-transformer-with-gru-fields",
         'hyperparameters: unknown field "hidden_size" (expected: d_model, nhead, num_encoder_layers, '
         'num_decoder_layers, dim_feedforward, norm_first, activation, layer_norm_eps, max_positions)')
def _(d):
    d["architecture"] = "transformer"


@fixture("architecture-missing", '"architecture" is missing')
def _(d):
    del d["architecture"]


@fixture("architecture-number", '"architecture" must be a string, found an integer')
def _(d):
    d["architecture"] = 7


@fixture("top-unknown-field", 'the top level: unknown field "tensor" '
         "(expected: format, format_version, architecture, hyperparameters, source, target, decoding, metadata, tensors)")
def _(d):
    d["tensor"] = {}


@fixture("hyperparameters-string", "hyperparameters must be an object, found a string")
def _(d):
    d["hyperparameters"] = "hidden_size=4"


@fixture("hyperparameters-missing", '"hyperparameters" is missing')
def _(d):
    del d["hyperparameters"]


@fixture("hyperparameters-unknown-field", 'hyperparameters: unknown field "num_layers" (expected: hidden_size)')
def _(d):
    d["hyperparameters"]["num_layers"] = 1


@fixture("hidden-size-missing", 'hyperparameters: "hidden_size" is missing')
def _(d):
    del d["hyperparameters"]["hidden_size"]


@fixture("hidden-size-zero", "hyperparameters.hidden_size is 0, must be between 1 and 4096")
def _(d):
    d["hyperparameters"]["hidden_size"] = 0


@fixture("hidden-size-negative", "hyperparameters.hidden_size is -4, must be between 1 and 4096")
def _(d):
    d["hyperparameters"]["hidden_size"] = -4


@fixture("hidden-size-float", "hyperparameters.hidden_size must be an integer, found a number")
def _(d):
    d["hyperparameters"]["hidden_size"] = 4.0


@fixture("hidden-size-disagrees", 'tensor "encoder.embedding.weight": shape [6, 5] expected '
         "(the source vocabulary has 6 tokens, hidden_size is 5), [6, 4] found")
def _(d):
    d["hyperparameters"]["hidden_size"] = 5


# ---- the sides ------------------------------------------------------------------------

@fixture("source-missing", '"source" is missing')
def _(d):
    del d["source"]


@fixture("target-array", "target must be an object, found an array")
def _(d):
    d["target"] = d["target"]["vocabulary"]


@fixture("source-unknown-field", 'source: unknown field "vocab" (expected: tokenizer, join, language, vocabulary, special)')
def _(d):
    d["source"]["vocab"] = d["source"]["vocabulary"]


@fixture("tokenizer-missing", 'source: "tokenizer" is missing')
def _(d):
    del d["source"]["tokenizer"]


@fixture("tokenizer-string", "source.tokenizer must be an object, found a string")
def _(d):
    d["source"]["tokenizer"] = "words"


@fixture("tokenizer-type-unknown", 'target.tokenizer.type "bpe" is unknown (expected "words", "characters" or "whitespace")')
def _(d):
    d["target"]["tokenizer"]["type"] = "bpe"


@fixture("tokenizer-type-missing", 'source.tokenizer: "type" is missing')
def _(d):
    del d["source"]["tokenizer"]["type"]


@fixture("tokenizer-type-null", 'source.tokenizer.type must be a string ("words", "characters" or "whitespace"), found null')
def _(d):
    d["source"]["tokenizer"]["type"] = None


@fixture("tokenizer-type-control-characters", 'target.tokenizer.type "bp\\ne\\u001B[31m" is unknown '
         '(expected "words", "characters" or "whitespace")')
def _(d):
    d["target"]["tokenizer"]["type"] = "bp\ne\x1b[31m"  # a message is one line and drives no terminal


@fixture("tokenizer-lowercase-string", "source.tokenizer.lowercase must be true or false, found a string")
def _(d):
    d["source"]["tokenizer"]["lowercase"] = "yes"


@fixture("tokenizer-unknown-field", 'target.tokenizer: unknown field "lower_case" (expected: type, lowercase)')
def _(d):
    d["target"]["tokenizer"]["lower_case"] = True


@fixture("join-number", "target.join must be a string, found an integer")
def _(d):
    d["target"]["join"] = 32


@fixture("language-number", 'target.language must be a string, a language tag such as "en" or "zh-CN", found an integer')
def _(d):
    d["target"]["language"] = 86


@fixture("language-underscore", 'target.language "zh_CN" is not a language tag (BCP 47, such as "en" or "zh-CN")')
def _(d):
    d["target"]["language"] = "zh_CN"


@fixture("language-name", 'source.language "english" is not a language tag (BCP 47, such as "en" or "zh-CN")')
def _(d):
    d["source"]["language"] = "english"


@fixture("language-empty-subtag", 'source.language "en-" is not a language tag (BCP 47, such as "en" or "zh-CN")')
def _(d):
    d["source"]["language"] = "en-"


@fixture("vocabulary-missing", 'target: "vocabulary" is missing')
def _(d):
    del d["target"]["vocabulary"]


@fixture("vocabulary-object", "source.vocabulary must be an array of strings, found an object")
def _(d):
    d["source"]["vocabulary"] = {t: i for i, t in enumerate(d["source"]["vocabulary"])}


@fixture("vocabulary-string", "source.vocabulary must be an array of strings, found a string")
def _(d):
    d["source"]["vocabulary"] = " ".join(d["source"]["vocabulary"])


@fixture("vocabulary-empty", "source.vocabulary is empty")
def _(d):
    d["source"]["vocabulary"] = []


@fixture("vocabulary-duplicate", 'target.vocabulary[5]: duplicate token "monde" (also at 4)')
def _(d):
    d["target"]["vocabulary"][5] = "monde"


@fixture("vocabulary-duplicate-control", 'source.vocabulary[5]: duplicate token "\\t\\u0085" (also at 4)')
def _(d):
    d["source"]["vocabulary"][4] = "\t\x85"
    d["source"]["vocabulary"][5] = "\t\x85"


@fixture("vocabulary-empty-token", "source.vocabulary[4] is an empty string")
def _(d):
    d["source"]["vocabulary"][4] = ""


@fixture("vocabulary-number", "source.vocabulary[3] must be a string, found an integer")
def _(d):
    d["source"]["vocabulary"][3] = 3


@fixture("vocabulary-null", "target.vocabulary[2] must be a string, found null")
def _(d):
    d["target"]["vocabulary"][2] = None


@fixture("vocabulary-nested", "source.vocabulary[5] must be a string, found an array")
def _(d):
    d["source"]["vocabulary"][5] = ["!"]


@fixture("vocabulary-larger-than-embedding", 'tensor "encoder.embedding.weight": shape [7, 4] expected '
         "(the source vocabulary has 7 tokens, hidden_size is 4), [6, 4] found")
def _(d):
    d["source"]["vocabulary"].append("again")


@fixture("vocabulary-smaller-than-output", 'tensor "decoder.embedding.weight": shape [5, 4] expected '
         "(the target vocabulary has 5 tokens, hidden_size is 4), [6, 4] found")
def _(d):
    d["target"]["vocabulary"].pop()


@fixture("special-missing", 'source: "special" is missing')
def _(d):
    del d["source"]["special"]


@fixture("special-array", "target.special must be an object, found an array")
def _(d):
    d["target"]["special"] = [0, 1, 2]


@fixture("special-unknown-field", 'source.special: unknown field "unk" (expected: start, end, unknown, padding)')
def _(d):
    d["source"]["special"]["unk"] = 2


@fixture("special-out-of-range", "source.special.unknown is 6, out of range for a vocabulary of 6 tokens")
def _(d):
    d["source"]["special"]["unknown"] = 6


@fixture("special-negative", "target.special.end is -1, out of range for a vocabulary of 6 tokens")
def _(d):
    d["target"]["special"]["end"] = -1


@fixture("special-string", 'target.special.start must be an integer id or null, found a string')
def _(d):
    d["target"]["special"]["start"] = "SOS"


@fixture("special-float", "source.special.end must be an integer id or null, found a number")
def _(d):
    d["source"]["special"]["end"] = 1.0


@fixture("special-huge", "line 30, column 16: the integer 18446744073709551617 is out of range (-9223372036854775807 to 9223372036854775807)")
def _(d):
    d["target"]["special"]["start"] = Raw("18446744073709551617")  # 2^64 + 1, which json-glib reads as 1


@fixture("special-int64-min", "line 30, column 16: the integer -9223372036854775808 is out of range "
         "(-9223372036854775807 to 9223372036854775807)")
def _(d):
    d["target"]["special"]["start"] = Raw("-9223372036854775808")  # json-glib negates it: signed overflow


@fixture("target-start-null", "target.special.start is needed: the decoder starts from it")
def _(d):
    d["target"]["special"]["start"] = None


@fixture("target-end-missing", "target.special.end is needed: decoding stops at it")
def _(d):
    del d["target"]["special"]["end"]


@fixture("source-end-missing",
         "source.special.end is needed: the encoder reads the sentence with the end token appended")
def _(d):
    del d["source"]["special"]["end"]


# ---- decoding and metadata ----------------------------------------------------------------

@fixture("decoding-string", "decoding must be an object, found a string")
def _(d):
    d["decoding"] = "greedy"


@fixture("max-length-zero", "decoding.max_length is 0, must be between 1 and 1000")
def _(d):
    d["decoding"]["max_length"] = 0


@fixture("max-length-huge", "decoding.max_length is 100000, must be between 1 and 1000")
def _(d):
    d["decoding"]["max_length"] = 100000


@fixture("decoding-unknown-field", 'decoding: unknown field "beam" (expected: max_length)')
def _(d):
    d["decoding"]["beam"] = 3


@fixture("metadata-array", "metadata must be an object, found an array")
def _(d):
    d["metadata"] = ["tiny-hello"]


# ---- tensors ----------------------------------------------------------------------------

@fixture("tensors-missing", '"tensors" is missing')
def _(d):
    del d[T]


@fixture("tensors-array", "tensors must be an object, found an array")
def _(d):
    d[T] = list(d[T].values())


@fixture("tensor-missing", 'tensors: "decoder.out.bias" is missing (expected shape [6])')
def _(d):
    del d[T][OUT_B]


@fixture("tensor-unexpected", 'tensors: unexpected tensor "decoder.attn_combine.weight" '
         "(not part of a gru-bahdanau model)")
def _(d):
    d[T]["decoder.attn_combine.weight"] = {"shape": [4, 8], "data": [0.0] * 32}


@fixture("tensor-unexpected-newline", 'tensors: unexpected tensor "decoder.out.weight\\n" '
         "(not part of a gru-bahdanau model)")
def _(d):
    d[T]["decoder.out.weight\n"] = d[T]["decoder.out.weight"]


@fixture("tensor-array", 'tensor "decoder.out.bias" must be an object with "shape" and "data", found an array')
def _(d):
    d[T][OUT_B] = d[T][OUT_B]["data"]


@fixture("tensor-unknown-field", 'tensor "decoder.out.bias": unknown field "requires_grad" '
         "(expected: shape, dtype, data)")
def _(d):
    d[T][OUT_B]["requires_grad"] = False


@fixture("dtype-float16", 'tensor "encoder.embedding.weight": dtype "float16" is not supported (only "float32" is)')
def _(d):
    d[T][EMB]["dtype"] = "float16"


@fixture("dtype-number", 'tensor "encoder.embedding.weight": dtype must be the string "float32", found an integer')
def _(d):
    d[T][EMB]["dtype"] = 32


@fixture("shape-missing", 'tensor "encoder.embedding.weight": "shape" is missing')
def _(d):
    del d[T][EMB]["shape"]


@fixture("shape-string", 'tensor "encoder.embedding.weight": shape must be an array of integers, found a string')
def _(d):
    d[T][EMB]["shape"] = "6x4"


@fixture("shape-of-strings", 'tensor "encoder.embedding.weight": shape[0] must be an integer, found a string')
def _(d):
    d[T][EMB]["shape"] = ["6", "4"]


@fixture("shape-float", 'tensor "encoder.embedding.weight": shape[1] must be an integer, found a number')
def _(d):
    d[T][EMB]["shape"] = [6, 4.0]


@fixture("shape-empty", 'tensor "decoder.out.bias": shape has 0 dimensions, must have 1 to 4')
def _(d):
    d[T][OUT_B]["shape"] = []


@fixture("shape-too-many-dims", 'tensor "encoder.embedding.weight": shape has 5 dimensions, must have 1 to 4')
def _(d):
    d[T][EMB]["shape"] = [6, 4, 1, 1, 1]


@fixture("shape-zero", 'tensor "encoder.embedding.weight": shape[0] is 0, must be between 1 and 100000000')
def _(d):
    d[T][EMB]["shape"] = [0, 4]


@fixture("shape-negative", 'tensor "encoder.embedding.weight": shape[1] is -4, must be between 1 and 100000000')
def _(d):
    d[T][EMB]["shape"] = [6, -4]


@fixture("shape-huge-dimension",
         'tensor "decoder.out.bias": shape[0] is 100000001, must be between 1 and 100000000')
def _(d):
    d[T][OUT_B]["shape"] = [100000001]


@fixture("shape-too-many-elements", 'tensor "encoder.embedding.weight": shape [100000000, 100000000] '
         "has more than 268435456 (2^28) elements")
def _(d):
    d[T][EMB]["shape"] = [100000000, 100000000]


@fixture("shape-product-overflows-64-bits", 'tensor "encoder.embedding.weight": shape '
         "[100000000, 100000000, 100000000, 100000000] has more than 268435456 (2^28) elements")
def _(d):
    d[T][EMB]["shape"] = [100000000] * 4


@fixture("shape-int64-overflow", "line 47, column 17: the integer 99999999999999999999 is out of range (-9223372036854775807 to 9223372036854775807)")
def _(d):
    d[T][EMB]["shape"] = [Raw("99999999999999999999"), 4]


@fixture("shape-int64-overflow-negative",
         "line 47, column 17: the integer -18446744073709551615 is out of range (-9223372036854775807 to 9223372036854775807)")
def _(d):
    d[T][EMB]["shape"] = [Raw("-18446744073709551615"), 4]  # json-glib would read 1


# Every tensor of gru-bahdanau with a wrong shape, its data reshaped to match
# (so that the shape is the one thing wrong): a matrix transposed (a square
# one, where that changes nothing, one row or column too many), a vector one
# value too many or too few. The loader must name the tensor, the shape it
# expects and why, and the shape it found. Named shape-TENSOR (dots and
# underscores as dashes).
SRC_WHY = "the source vocabulary has 6 tokens, hidden_size is 4"
TGT_WHY = "the target vocabulary has 6 tokens, hidden_size is 4"
H_WHY = "hidden_size is 4"
WRONG_SHAPES = [
    # tensor, shape found, shape expected, why it is expected
    ("encoder.embedding.weight", [4, 6], "[6, 4]", SRC_WHY),
    ("encoder.gru.weight_ih_l0", [4, 12], "[12, 4]", H_WHY),
    ("encoder.gru.weight_hh_l0", [4, 12], "[12, 4]", H_WHY),
    ("encoder.gru.bias_ih_l0", [13], "[12]", H_WHY),
    ("encoder.gru.bias_hh_l0", [11], "[12]", H_WHY),
    ("decoder.embedding.weight", [4, 6], "[6, 4]", TGT_WHY),
    ("decoder.attention.Wa.weight", [4, 5], "[4, 4]", H_WHY),
    ("decoder.attention.Wa.bias", [5], "[4]", H_WHY),
    ("decoder.attention.Ua.weight", [5, 4], "[4, 4]", H_WHY),
    ("decoder.attention.Ua.bias", [3], "[4]", H_WHY),
    ("decoder.attention.Va.weight", [4, 1], "[1, 4]", H_WHY),
    ("decoder.attention.Va.bias", [2], "[1]", "a single score per position"),
    ("decoder.gru.weight_ih_l0", [8, 12], "[12, 8]", H_WHY),
    ("decoder.gru.weight_hh_l0", [4, 12], "[12, 4]", H_WHY),
    ("decoder.gru.bias_ih_l0", [11], "[12]", H_WHY),
    ("decoder.gru.bias_hh_l0", [13], "[12]", H_WHY),
    ("decoder.out.weight", [4, 6], "[6, 4]", TGT_WHY),
    ("decoder.out.bias", [7], "[6]", "the target vocabulary has 6 tokens"),
]
assert sorted(w[0] for w in WRONG_SHAPES) == sorted(BASE[T]), "a tensor of tiny-hello without a wrong-shape fixture"


def reshaped(data, shape):
    """data (nested as its old shape) fitted to shape: transposed when that
    fits, else rows and columns cut or padded with 0.0."""
    if len(shape) == 2 and len(data) == shape[1] and all(len(r) == shape[0] for r in data):
        return [list(r) for r in zip(*data)]
    if len(shape) == 1:
        return (data + [0.0] * shape[0])[:shape[0]]
    rows = [(r + [0.0] * shape[1])[:shape[1]] for r in data]
    return (rows + [[0.0] * shape[1]] * shape[0])[:shape[0]]


def shape_fixture(tensor, found, expected, why):
    def wrong(d):
        t = d[T][tensor]
        t["shape"] = found
        t["data"] = reshaped(t["data"], found)
        assert len(flat(t["data"])) == math.prod(found)

    name = "shape-" + tensor.replace(".", "-").replace("_", "-")
    fixture(name, 'tensor "%s": shape %s expected (%s), %s found' % (tensor, expected, why, dump(found)))(wrong)


for _wrong in WRONG_SHAPES:
    shape_fixture(*_wrong)


@fixture("shape-flattened", 'tensor "decoder.attention.Va.weight": shape [1, 4] expected (hidden_size is 4), [4] found')
def _(d):
    t = d[T]["decoder.attention.Va.weight"]
    t["shape"] = [4]
    t["data"] = t["data"][0]


@fixture("data-missing", 'tensor "decoder.out.bias": "data" is missing')
def _(d):
    del d[T][OUT_B]["data"]


@fixture("data-null", 'tensor "decoder.out.bias": data must be an array of numbers or a base64 string, found null')
def _(d):
    d[T][OUT_B]["data"] = None


@fixture("data-object", 'tensor "decoder.out.bias": data must be an array of numbers or a base64 string, '
         "found an object")
def _(d):
    d[T][OUT_B]["data"] = {"0": 0.5}


@fixture("data-booleans", 'tensor "encoder.embedding.weight": data[0][0] must be a number, found a boolean')
def _(d):
    d[T][EMB]["data"] = [[x > 0 for x in row] for row in d[T][EMB]["data"]]


@fixture("data-string-number", 'tensor "decoder.out.bias": data[3] must be a number, found a string')
def _(d):
    d[T][OUT_B]["data"][3] = "0.5"


@fixture("data-null-number", 'tensor "encoder.embedding.weight": data[5][2] must be a number, found null')
def _(d):
    d[T][EMB]["data"][5][2] = None


@fixture("data-flat-short", 'tensor "encoder.embedding.weight": data has 23 numbers, the shape [6, 4] needs 24')
def _(d):
    d[T][EMB]["data"] = flat(d[T][EMB]["data"])[:-1]


@fixture("data-flat-long", 'tensor "decoder.out.bias": data has 7 numbers, the shape [6] needs 6')
def _(d):
    d[T][OUT_B]["data"].append(0.0)


@fixture("data-empty", 'tensor "decoder.out.bias": data has 0 numbers, the shape [6] needs 6')
def _(d):
    d[T][OUT_B]["data"] = []


@fixture("data-nested-short", 'tensor "encoder.embedding.weight": data has 5 rows, the shape [6, 4] needs 6')
def _(d):
    d[T][EMB]["data"].pop()


@fixture("data-nested-long", 'tensor "encoder.embedding.weight": data has 7 rows, the shape [6, 4] needs 6')
def _(d):
    d[T][EMB]["data"].append([0.0] * 4)


@fixture("data-ragged", 'tensor "encoder.embedding.weight": data[3] has 3 numbers, the shape [6, 4] needs 4')
def _(d):
    d[T][EMB]["data"][3].pop()


@fixture("data-ragged-long", 'tensor "encoder.embedding.weight": data[5] has 5 numbers, the shape [6, 4] needs 4')
def _(d):
    d[T][EMB]["data"][5].append(1.0)


@fixture("data-empty-rows", 'tensor "encoder.embedding.weight": data[0] has 0 numbers, the shape [6, 4] needs 4')
def _(d):
    d[T][EMB]["data"] = [[] for _ in range(6)]


@fixture("data-row-not-array", 'tensor "encoder.embedding.weight": data[1] must be an array like the rows '
         "before it, found an integer")
def _(d):
    d[T][EMB]["data"][1] = 0


@fixture("data-too-deep", 'tensor "encoder.embedding.weight": data[0][0] is an array, but the shape [6, 4] '
         "has no dimension left for it")
def _(d):
    d[T][EMB]["data"] = [[[x] for x in row] for row in d[T][EMB]["data"]]


@fixture("data-nested-1d", 'tensor "decoder.out.bias": data[0] is an array, but the shape [6] '
         "has no dimension left for it")
def _(d):
    d[T][OUT_B]["data"] = [d[T][OUT_B]["data"]]


@fixture("data-infinity", 'tensor "encoder.embedding.weight": the value at [2, 1] is infinite '
         "(or too large for float32)")
def _(d):
    d[T][EMB]["data"][2][1] = Raw("1e999")


@fixture("data-minus-infinity", 'tensor "decoder.out.bias": the value at [4] is infinite '
         "(or too large for float32)")
def _(d):
    d[T][OUT_B]["data"][4] = Raw("-1e999")


@fixture("data-too-large-for-float32", 'tensor "decoder.gru.bias_hh_l0": the value at [11] is infinite '
         "(or too large for float32)")
def _(d):
    d[T]["decoder.gru.bias_hh_l0"]["data"][11] = 1e39


# ---- base64 data --------------------------------------------------------------------------

def base64_fixture(name, expected, tensor, text):
    @fixture(name, expected)
    def _(d):
        d[T][tensor]["data"] = text(flat(d[T][tensor]["data"]))


# decoder.out.bias: 6 floats, 24 bytes, 32 characters without padding
# decoder.attention.Wa.bias: 4 floats, 16 bytes, 24 characters ending in "=="
# decoder.attention.Va.bias: 1 float, 4 bytes, "xxxxxx=="
ALPHABET = "is not in the base64 alphabet (A-Z, a-z, 0-9, +, /)"
base64_fixture("base64-bad-alphabet", 'tensor "decoder.out.bias": character 7 of the base64 data, \'!\', ' + ALPHABET,
               OUT_B, lambda v: b64(v)[:6] + "!" + b64(v)[7:])
base64_fixture("base64-url-alphabet", 'tensor "decoder.out.bias": character 3 of the base64 data, \'-\', ' + ALPHABET,
               OUT_B, lambda v: "AA-_" + b64(v)[4:])
base64_fixture("base64-line-breaks", 'tensor "decoder.out.bias": character 17 of the base64 data is the control '
               "character U+000A (base64 data has no line breaks or spaces)",
               OUT_B, lambda v: b64(v)[:16] + "\n" + b64(v)[16:] + "AAA")
base64_fixture("base64-wrong-length", 'tensor "decoder.out.bias": base64 data has 31 characters, not a multiple of 4 '
               "(is the '=' padding missing?)", OUT_B, lambda v: b64(v)[:-1])
base64_fixture("base64-one-too-many", 'tensor "decoder.out.bias": base64 data has 33 characters, not a multiple of 4',
               OUT_B, lambda v: b64(v) + "A")
base64_fixture("base64-missing-padding", 'tensor "decoder.attention.Wa.bias": base64 data has 22 characters, '
               "not a multiple of 4 (is the '=' padding missing?)", WA_B, lambda v: b64(v).rstrip("="))
base64_fixture("base64-padding-in-middle", 'tensor "decoder.attention.Wa.bias": base64 padding \'=\' '
               "in the middle of the data (character 9)", WA_B, lambda v: b64(v)[:8] + "====" + b64(v)[12:])
base64_fixture("base64-too-much-padding", 'tensor "decoder.attention.Va.bias": base64 data ends with 3 \'=\', '
               "at most 2 can be padding", VA_B, lambda v: b64(v)[:5] + "===")
base64_fixture("base64-short", 'tensor "decoder.out.bias": base64 data holds 20 bytes, the shape [6] needs '
               "6 float32 values (24 bytes)", OUT_B, lambda v: b64(v[:5]))
base64_fixture("base64-long", 'tensor "decoder.out.bias": base64 data holds 28 bytes, the shape [6] needs '
               "6 float32 values (24 bytes)", OUT_B, lambda v: b64(v + [0.0]))
base64_fixture("base64-odd-bytes", 'tensor "decoder.attention.Va.bias": base64 data holds 5 bytes, '
               "the shape [1] needs 1 float32 value (4 bytes)", VA_B, lambda v: base64.b64encode(
                   struct.pack("<f", v[0]) + b"\0").decode())
base64_fixture("base64-empty", 'tensor "decoder.out.bias": base64 data holds 0 bytes, the shape [6] needs '
               "6 float32 values (24 bytes)", OUT_B, lambda v: "")
base64_fixture("base64-nan", 'tensor "decoder.out.bias": the value at [2] is NaN', OUT_B,
               lambda v: b64(v[:2] + [math.nan] + v[3:]))
base64_fixture("base64-infinity", 'tensor "decoder.attention.Wa.bias": the value at [3] is infinite '
               "(or too large for float32)", WA_B, lambda v: b64(v[:3] + [-math.inf]))


@fixture("base64-nan-payload", 'tensor "encoder.embedding.weight": the value at [5, 3] is NaN')
def _(d):
    # a signalling NaN with a payload, as raw bytes: 0x7f800001
    raw = bytearray(struct.pack("<24f", *flat(d[T][EMB]["data"])))
    raw[-4:] = b"\x01\x00\x80\x7f"
    d[T][EMB]["data"] = base64.b64encode(bytes(raw)).decode()


# ---- transformer: data/models/tiny-transformer.json with one thing broken ----------------

def tf_fixture(name, expected):
    return fixture(name, expected, base=BASE_TRANSFORMER)


ENC1 = "transformer.encoder.layers.1."
DEC1 = "transformer.decoder.layers.1."


@tf_fixture("transformer-missing-layer", 'tensors: "transformer.encoder.layers.1.self_attn.in_proj_weight" is missing '
            "(expected shape [24, 8])")
def _(d):
    for key in [k for k in d[T] if k.startswith(ENC1)]:
        del d[T][key]


@tf_fixture("transformer-heads-do-not-divide-width", "hyperparameters.nhead is 3, which does not divide d_model (8): "
            "each head takes an equal share of the model's width")
def _(d):
    d["hyperparameters"]["nhead"] = 3


@tf_fixture("transformer-tensor-of-wrong-layer", 'tensors: unexpected tensor "transformer.decoder.layers.2.norm3.bias" '
            "(not part of a transformer model)")
def _(d):
    d[T][DEC1.replace(".1.", ".2.") + "norm3.bias"] = d[T].pop(DEC1 + "norm3.bias")


@tf_fixture("transformer-unknown-option", 'hyperparameters: unknown field "batch_first" (expected: d_model, nhead, '
            "num_encoder_layers, num_decoder_layers, dim_feedforward, norm_first, activation, layer_norm_eps, "
            "max_positions)")
def _(d):
    d["hyperparameters"]["batch_first"] = True


@tf_fixture("transformer-activation-unknown", 'hyperparameters.activation "swish" is not supported '
            '(this AttnScope runs "relu" and "gelu")')
def _(d):
    d["hyperparameters"]["activation"] = "swish"


@tf_fixture("transformer-norm-first-string", "hyperparameters.norm_first must be true or false, found a string")
def _(d):
    d["hyperparameters"]["norm_first"] = "false"


@tf_fixture("transformer-layer-norm-eps-zero", "hyperparameters.layer_norm_eps is 0, must be above 0 and below 1")
def _(d):
    d["hyperparameters"]["layer_norm_eps"] = 0.0


@tf_fixture("transformer-d-model-missing", 'hyperparameters: "d_model" is missing')
def _(d):
    del d["hyperparameters"]["d_model"]


@tf_fixture("transformer-positions-short", 'tensor "positional_encoding.pos_embedding": shape [32, 1, 8] expected '
            "(max_positions is 32, d_model is 8), [24, 1, 8] found")
def _(d):
    d["hyperparameters"]["max_positions"] = 32


@tf_fixture("transformer-source-without-start", "source.special.start is needed: the encoder reads the sentence "
            "between the start and end tokens")
def _(d):
    d["source"]["special"]["start"] = None


@tf_fixture("transformer-feed-forward-mismatch", 'tensor "transformer.encoder.layers.0.linear1.weight": shape [32, 8] '
            "expected (d_model is 8, dim_feedforward is 32), [16, 8] found")
def _(d):
    d["hyperparameters"]["dim_feedforward"] = 32


def main():
    made = set()
    for name, (content, expected) in FIXTURES.items():
        with open(os.path.join(HERE, name + ".json"), "wb") as f:
            f.write(content)
        with open(os.path.join(HERE, name + ".expected"), "w", encoding="utf-8") as f:
            f.write(name + ".json: " + expected)
        made.add(name)
    for entry in sorted(os.listdir(HERE)):
        base, ext = os.path.splitext(entry)
        if ext in (".json", ".expected") and base not in made:
            os.remove(os.path.join(HERE, entry))
            print("removed", entry)
    print(len(made), "bad model files in", HERE, file=sys.stderr)


if __name__ == "__main__":
    main()
