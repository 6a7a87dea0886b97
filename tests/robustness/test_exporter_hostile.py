#!/usr/bin/python3
"""tools/attnscope_export.py against hostile checkpoints and values. Output: TAP.

Usage: test_exporter_hostile.py ATTNSCOPE-CLI   (run with a Python that has torch: /usr/bin/python3)

- A checkpoint whose unpickling would run code (a __reduce__ that writes a
  marker file) is refused, naming the file and --trust-checkpoint, and the
  marker is not written; with --trust-checkpoint it is read (the marker
  appears: the option really is full unpickling) and exported. Checkpoints
  of plain data with floats (as tools/train_*.py save them) need no option.
- Round trips against the loader: for each value the loader refuses (NUL in
  a token or a metadata string or key, metadata keys 1 and "1", integers
  beyond 64 bits, nesting deeper than 64, a bad language tag, duplicate,
  empty or non-string tokens, lone surrogates, non-finite weights, sizes and
  hyperparameters out of range, missing special tokens, ...), the exporter
  refuses the checkpoint with one line and writes nothing, AND the same
  content written straight as JSON is refused by `attnscope-cli info`. At the
  boundaries (64 levels, 2^63 - 1) both accept.
- Checkpoints of the wrong shape (missing keys, wrong types, wrong tensor
  shapes, not a checkpoint at all) get one line, never a traceback, and no file.
- A write that fails half-way (past `ulimit -f`) leaves no partial or
  temporary file and an existing output as it was.

Most exports run in this process through attnscope_export.main() (one
import of torch), one at a time; a few run as their own process, to see
exactly what a person sees on stderr."""

import base64
import contextlib
import copy
import io
import json
import os
import pickle
import resource
import struct
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXPORTER = os.path.join(ROOT, "tools", "attnscope_export.py")
CLI = os.path.abspath(sys.argv[1])

try:
    import torch
except ImportError as e:  # a test that quietly does not run is not a pass
    print("Bail out! %s cannot import torch (python3-torch): %s" % (sys.executable, e))
    sys.exit(1)

sys.path.insert(0, os.path.join(ROOT, "tools"))
import attnscope_export  # noqa: E402
from attnscope_tutorial import AttnDecoderRNN, EncoderRNN  # noqa: E402
from attnscope_transformer import Seq2SeqTransformer  # noqa: E402

WORK = tempfile.mkdtemp(prefix="attnscope-exporter-test.")
results = []


def check(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, None))
        except Exception as e:  # noqa: BLE001 - a crash of the test is a failure too
            results.append((name, "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc())))
        return fn
    return wrap


# --------------------------------------------------------------------------
# Good checkpoints, as tools/train_gru.py and tools/train_transformer.py save them

SRC = ["SOS", "EOS", "<unk>", "hello", "world"]
TGT = ["SOS", "EOS", "<unk>", "bonjour", "monde"]


def gru_checkpoint(hidden=4, src=SRC, tgt=TGT):
    torch.manual_seed(1)
    enc, dec = EncoderRNN(len(src), hidden), AttnDecoderRNN(hidden, len(tgt))
    return {
        "encoder_state": enc.state_dict(), "decoder_state": dec.state_dict(), "hidden_size": hidden,
        "source_vocab": list(src), "target_vocab": list(tgt), "sos_index": 0, "eos_index": 1, "unk_index": 2,
        "source_tokenizer": {"type": "words", "lowercase": True},
        "target_tokenizer": {"type": "words", "lowercase": True},
        "languages": {"source": "en", "target": "fr"},
        "settings": {"lr": 0.001, "dropout": 0.1, "max_target_length": 10},   # floats, as the trainer's
        "metadata": {"name": "hostile-test", "bleu": 12.5},
    }


TF_SRC = ["<unk>", "<pad>", "<bos>", "<eos>", "hello", "world"]
TF_TGT = ["<unk>", "<pad>", "<bos>", "<eos>", "bonjour", "monde"]


def transformer_checkpoint(maxlen=32):
    torch.manual_seed(2)
    config = {"num_encoder_layers": 1, "num_decoder_layers": 1, "emb_size": 8, "nhead": 2,
              "src_vocab_size": len(TF_SRC), "tgt_vocab_size": len(TF_TGT), "dim_feedforward": 16,
              "dropout": 0.1, "norm_first": False, "activation": "relu", "layer_norm_eps": 1e-5, "maxlen": maxlen}
    model = Seq2SeqTransformer(**config)
    return {
        "architecture": "transformer", "config": config, "state_dict": model.state_dict(),
        "source_vocab": list(TF_SRC), "target_vocab": list(TF_TGT),
        "special": {"bos": 2, "eos": 3, "pad": 1, "unk": 0},
        "tokenizers": {"source": {"type": "words", "lowercase": True},
                       "target": {"type": "words", "lowercase": True}},
        "languages": {"source": "en", "target": "fr"}, "metadata": None, "max_positions": 16,
        "settings": {"lr": 0.0005},
    }


_counter = [0]


def fresh_dir():
    _counter[0] += 1
    d = os.path.join(WORK, "case%03d" % _counter[0])
    os.mkdir(d)
    return d


def save(ck, d, name="ck.pt"):
    path = os.path.join(d, name)
    torch.save(ck, path)
    return path


def export_in_process(*args):
    """attnscope_export.main(args): (status, stdout, stderr). An exception
    escaping main() is what a person would see as a traceback: it fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = attnscope_export.main(list(args))
        except SystemExit as e:
            status = e.code
        except BaseException:
            raise AssertionError("attnscope_export raised (a traceback for a person):\n" + traceback.format_exc())
    return status, out.getvalue(), err.getvalue()


def export_process(*args, preexec_fn=None):
    p = subprocess.run([sys.executable, EXPORTER, *args], capture_output=True, timeout=300, preexec_fn=preexec_fn)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def assert_refused(result, ck_path, expect, d, keep=("ck.pt",)):
    """Exit 1, one line on stderr ("attnscope_export: " + the checkpoint's path
    + ... + expect), nothing on stdout, nothing new in d."""
    status, out, err = result
    what = "status %r\nstdout %r\nstderr %r" % (status, out, err)
    assert status == 1, "expected status 1\n" + what
    assert out == "", "expected nothing on stdout\n" + what
    assert err.endswith("\n") and err.count("\n") == 1, "expected one line on stderr\n" + what
    assert err.startswith("attnscope_export: "), what
    assert "Traceback" not in err and "unexpected error" not in err, what
    if ck_path is not None:
        assert ck_path in err, "the message does not name %s\n%s" % (ck_path, what)
    assert expect in err, "expected %r in the message\n%s" % (expect, what)
    left = sorted(set(os.listdir(d)) - set(keep))
    assert left == [], "the refused export left %s" % left


def cli_info(path):
    p = subprocess.run([CLI, "info", path], capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def assert_loader_refuses(path, expect):
    status, out, err = cli_info(path)
    what = "attnscope-cli info %s\nstatus %r\nstdout %r\nstderr %r" % (path, status, out, err[:600])
    assert status == 1 and out == "", "the loader accepted content the exporter refused\n" + what
    assert err.startswith("attnscope-cli: ") and err.count("\n") == 1, what
    assert expect in err, "expected %r in the loader's message\n%s" % (expect, what)


def assert_loader_accepts(path):
    status, out, err = cli_info(path)
    assert status == 0 and err == "", "attnscope-cli info %s: status %r, stderr %r" % (path, status, err[:600])


# --------------------------------------------------------------------------
# Positive controls: the checks below could pass by refusing everything

BASE = {}


@check("good checkpoints export, with floats in them, without --trust-checkpoint, and load")
def good_checkpoints():
    for kind, ck in (("gru", gru_checkpoint()), ("transformer", transformer_checkpoint())):
        d = fresh_dir()
        ck_path = save(ck, d)
        out = os.path.join(d, "out.json")
        status, stdout, err = export_in_process(ck_path, out)
        assert status == 0 and err == "", (status, err)
        assert stdout.startswith("wrote "), stdout
        assert sorted(os.listdir(d)) == ["ck.pt", "out.json"], os.listdir(d)
        assert_loader_accepts(out)
        with open(out, encoding="utf-8") as f:
            BASE[kind] = json.load(f)
        assert BASE[kind]["metadata"] == (ck["metadata"] or {}), BASE[kind]["metadata"]


# --------------------------------------------------------------------------
# Point 1: no code run from a checkpoint

class Payload:
    """Unpickled, it runs exec(): it writes the marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (exec, ("open(%r, 'w').write('ran')" % self.marker,))


@check("a checkpoint that runs code when unpickled is refused, the code does not run; --trust-checkpoint runs it")
def code_in_checkpoint():
    d = fresh_dir()
    marker = os.path.join(WORK, "marker-%d" % os.getpid())
    ck = gru_checkpoint()
    ck["notes"] = Payload(marker)              # a key the exporter ignores
    ck_path = save(ck, d)
    assert not os.path.exists(marker)
    out = os.path.join(d, "out.json")
    result = export_process(ck_path, out)      # its own process: exactly what a person sees
    assert_refused(result, ck_path, "--trust-checkpoint", d)
    assert "exec" in result[2], result[2]
    assert not os.path.exists(marker), "unpickling the checkpoint ran its code"
    status, stdout, err = export_process(ck_path, out, "--trust-checkpoint")
    assert os.path.exists(marker), "--trust-checkpoint did not unpickle the checkpoint fully"
    assert status == 0 and os.path.isfile(out), (status, err)
    assert_loader_accepts(out)
    os.unlink(marker)


@check("the same in torch's legacy (non-zip) format: refused, the code does not run")
def code_in_legacy_checkpoint():
    d = fresh_dir()
    marker = os.path.join(WORK, "marker-legacy-%d" % os.getpid())
    ck = gru_checkpoint()
    ck["notes"] = Payload(marker)
    ck_path = os.path.join(d, "ck.pt")
    torch.save(ck, ck_path, _use_new_zipfile_serialization=False)
    assert_refused(export_in_process(ck_path, os.path.join(d, "out.json")), ck_path, "--trust-checkpoint", d)
    assert not os.path.exists(marker), "unpickling the legacy checkpoint ran its code"
    del ck["notes"]
    torch.save(ck, ck_path, _use_new_zipfile_serialization=False)
    status, stdout, err = export_in_process(ck_path, os.path.join(d, "out.json"))
    assert status == 0 and err == "", (status, err)


def legacy_checkpoint(path, payload):
    """A checkpoint in torch's legacy format whose main pickle is payload (bytes)."""
    from torch import serialization
    with open(path, "wb") as f:
        for header in (serialization.MAGIC_NUMBER, serialization.PROTOCOL_VERSION, {"little_endian": True}):
            pickle.dump(header, f, protocol=2)
        f.write(payload)
        pickle.dump([], f, protocol=2)          # no storages


def pickle_string(text):
    data = text.encode("utf-8")
    return b"X" + struct.pack("<I", len(data)) + data


@check("a checkpoint that sets attributes of a function it may call (BUILD on a global) is refused, untouched")
def build_on_a_function():
    # torch._utils._rebuild_tensor_v2 is an allowed global; BUILD with (None, {name: value}) would setattr() it
    # (its __defaults__, say): a pickle may call it, never change it
    target = torch._utils._rebuild_tensor_v2
    payload = (b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\nN}" + pickle_string("attnscope_tampered")
               + pickle_string("yes") + b"s\x86b0}.")
    pickle.loads(payload)                      # what plain unpickling does: the test means something
    assert getattr(target, "attnscope_tampered", None) == "yes"
    del target.attnscope_tampered
    d = fresh_dir()
    ck_path = os.path.join(d, "ck.pt")
    legacy_checkpoint(ck_path, payload)
    result = export_in_process(ck_path, os.path.join(d, "out.json"))
    assert not hasattr(target, "attnscope_tampered"), "reading the checkpoint changed _rebuild_tensor_v2"
    assert_refused(result, ck_path, "--trust-checkpoint", d)
    assert "set attributes" in result[2], result[2]


@check("--help documents --trust-checkpoint")
def help_names_option():
    status, out, err = export_process("--help")
    assert status == 0 and "--trust-checkpoint" in out and "runs" in out.lower(), out


@check("a checkpoint with a class of its own (numpy) is refused, naming the class and the option")
def numpy_in_checkpoint():
    import numpy as np
    d = fresh_dir()
    ck = gru_checkpoint()
    ck["metadata"] = {"name": "x", "scores": np.arange(3)}
    ck_path = save(ck, d)
    assert_refused(export_in_process(ck_path, os.path.join(d, "out.json")), ck_path, "--trust-checkpoint", d)
    status, out, err = export_in_process(ck_path, os.path.join(d, "out.json"))
    assert "numpy" in err, err


@check("a TorchScript archive is refused before torch.load would hand it to torch.jit.load")
def torchscript_archive():
    d = fresh_dir()
    ck_path = os.path.join(d, "ck.pt")
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), ck_path)
    assert_refused(export_in_process(ck_path, os.path.join(d, "out.json")), ck_path, "TorchScript", d)


# --------------------------------------------------------------------------
# Point 7: the exporter refuses what the loader refuses, round trip

def nested_list(levels):
    v = []
    for _ in range(levels - 1):
        v = [v]
    return v


def b64_with(doc, tensor, index, value):
    """The tensor's base64 data with one float replaced."""
    import numpy as np
    entry = doc["tensors"][tensor]
    a = np.frombuffer(base64.b64decode(entry["data"]), dtype="<f4").copy()
    with np.errstate(over="ignore"):
        a[index] = value
    entry["data"] = base64.b64encode(a.astype("<f4").tobytes()).decode("ascii")


def set_in(obj, path, value):
    for k in path[:-1]:
        obj = obj[k]
    obj[path[-1]] = value


def mutate_gru(path, value):
    def f(ck):
        set_in(ck, path, value)
    return f


def dump(doc, replace=()):
    """The document as JSON text, without the exporter's checks; replace:
    (placeholder, text) pairs applied to the text (duplicate keys)."""
    text = json.dumps(doc, ensure_ascii=True, allow_nan=True)
    for a, b in replace:
        assert a in text, a
        text = text.replace(a, b)
    return text


def with_doc(kind, change, replace=()):
    def f():
        doc = copy.deepcopy(BASE[kind])
        change(doc)
        return dump(doc, replace)
    return f


def doc_set(path, value):
    def f(doc):
        set_in(doc, path, value)
    return f


def doc_metadata(metadata):
    return doc_set(["metadata"], metadata)


def overflow_bias(ck):
    sd = ck["decoder_state"]
    sd["out.bias"] = sd["out.bias"].double()
    sd["out.bias"][0] = 1e39                   # finite as a double, infinite as float32


def nan_weight(ck):
    ck["encoder_state"]["gru.bias_ih_l0"][1] = float("nan")


def big_vocabulary(ck):
    n = attnscope_export.MAX_VOCAB + 1
    ck["source_vocab"] = SRC + ["w%d" % i for i in range(n - len(SRC))]
    ck["encoder_state"]["embedding.weight"] = torch.zeros(n, 4)


def doc_big_vocabulary(doc):
    n = attnscope_export.MAX_VOCAB + 1
    doc["source"]["vocabulary"] = SRC + ["w%d" % i for i in range(n - len(SRC))]


def json_number_in_tensor(doc):
    # the same overflow written as a number: 1e39 is not a float32
    import numpy as np
    entry = doc["tensors"]["decoder.out.bias"]
    a = np.frombuffer(base64.b64decode(entry["data"]), dtype="<f4").astype(float).tolist()
    a[0] = 1e39
    entry["data"] = a


def tf_config(key, value):
    def f(ck):
        ck["config"][key] = value
    return f


# (name, architecture, change to the checkpoint, extra exporter arguments,
#  what the exporter's message says, the same content as JSON for the loader, what the loader's says)
ROUND_TRIPS = [
    ("NUL in a source token", "gru", mutate_gru(["source_vocab", 3], "hel\0lo"), [], "NUL",
     with_doc("gru", doc_set(["source", "vocabulary", 3], "hel\0lo")), "NUL character"),
    ("NUL in a metadata string", "gru", mutate_gru(["metadata"], {"name": "a\0b"}), [], "NUL",
     with_doc("gru", doc_metadata({"name": "a\0b"})), "NUL character"),
    ("NUL in a metadata key", "gru", mutate_gru(["metadata"], {"na\0me": "x"}), [], "NUL",
     with_doc("gru", doc_metadata({"na\0me": "x"})), "NUL character"),
    ("NUL in a nested metadata string", "gru", mutate_gru(["metadata"], {"authors": ["a", {"b": "c\0"}]}), [], "NUL",
     with_doc("gru", doc_metadata({"authors": ["a", {"b": "c\0"}]})), "NUL character"),
    ("metadata keys 1 and \"1\"", "gru", mutate_gru(["metadata"], {1: "one", "1": "uno"}), [], "'1' once written",
     with_doc("gru", doc_metadata({"1": "one", "@DUP@": "uno"}), [('"@DUP@"', '"1"')]), "appears twice"),
    ("metadata keys True and \"true\"", "gru", mutate_gru(["metadata"], {True: 1, "true": 2}), [], "both",
     with_doc("gru", doc_metadata({"true": 1, "@DUP@": 2}), [('"@DUP@"', '"true"')]), "appears twice"),
    ("metadata keys 2 and \"2\" in a nested dict", "gru", mutate_gru(["metadata"], {"x": {2: "a", "2": "b"}}), [],
     "both", with_doc("gru", doc_metadata({"x": {"2": "a", "@DUP@": "b"}}), [('"@DUP@"', '"2"')]), "appears twice"),
    ("an integer of 2^64 in metadata", "gru", mutate_gru(["metadata"], {"n": 2 ** 64}), [], "64-bit",
     with_doc("gru", doc_metadata({"n": 2 ** 64})), "out of range"),
    ("an integer of 5,001 digits in metadata", "gru", mutate_gru(["metadata"], {"n": 10 ** 5000}), [], "64-bit",
     with_doc("gru", doc_metadata({"n": "@BIG@"}), [('"@BIG@"', "1" + "0" * 5000)]), "out of range"),
    ("an integer of -2^63 in metadata", "gru", mutate_gru(["metadata"], {"n": -2 ** 63}), [], "64-bit",
     with_doc("gru", doc_metadata({"n": -2 ** 63})), "out of range"),
    ("metadata nested 65 levels deep", "gru", mutate_gru(["metadata"], {"deep": nested_list(63)}), [], "nested too deep",
     with_doc("gru", doc_metadata({"deep": nested_list(63)})), "nested"),
    ("a source language that is not a tag", "gru", mutate_gru(["languages", "source"], "zh_CN"), [], "language",
     with_doc("gru", doc_set(["source", "language"], "zh_CN")), "not a language tag"),
    ("a duplicate target token", "gru", mutate_gru(["target_vocab", 4], "bonjour"), [], "appears twice",
     with_doc("gru", doc_set(["target", "vocabulary", 4], "bonjour")), "duplicate token"),
    ("an empty source token", "gru", mutate_gru(["source_vocab", 4], ""), [], "not a non-empty string",
     with_doc("gru", doc_set(["source", "vocabulary", 4], "")), "empty string"),
    ("a source token that is a number", "gru", mutate_gru(["source_vocab", 4], 5), [], "not a non-empty string",
     with_doc("gru", doc_set(["source", "vocabulary", 4], 5)), "must be a string"),
    ("a lone surrogate in a target token", "gru", mutate_gru(["target_vocab", 3], "bon\ud800"), [], "surrogate",
     with_doc("gru", doc_set(["target", "vocabulary", 3], "bon\ud800")), "surrogate"),
    ("a lone surrogate in a metadata string", "gru", mutate_gru(["metadata"], {"name": "\udc80"}), [], "surrogate",
     with_doc("gru", doc_metadata({"name": "\udc80"})), "surrogate"),
    ("a NaN weight", "gru", nan_weight, [], "non-finite",
     with_doc("gru", lambda doc: b64_with(doc, "encoder.gru.bias_ih_l0", 1, float("nan"))), "NaN"),
    ("a weight beyond float32 (base64)", "gru", overflow_bias, [], "non-finite",
     with_doc("gru", lambda doc: b64_with(doc, "decoder.out.bias", 0, float("inf"))), "infinite"),
    ("a weight beyond float32 (JSON numbers)", "gru", overflow_bias, ["--encoding", "json"], "non-finite",
     with_doc("gru", json_number_in_tensor), "decoder.out.bias"),
    ("hidden_size 4097", "gru", mutate_gru(["hidden_size"], 4097), [], "hidden_size is 4097",
     with_doc("gru", doc_set(["hyperparameters", "hidden_size"], 4097)), "hidden_size is 4097"),
    ("max_target_length 1001", "gru", mutate_gru(["settings", "max_target_length"], 1001), [], "1001",
     with_doc("gru", doc_set(["decoding", "max_length"], 1001)), "max_length is 1001"),
    ("an end id outside the vocabulary", "gru", mutate_gru(["eos_index"], 99), [], "outside the vocabulary",
     with_doc("gru", doc_set(["target", "special", "end"], 99)), "out of range"),
    ("no start token on the target side", "gru", mutate_gru(["sos_index"], None), [], "needs a start",
     with_doc("gru", doc_set(["target", "special", "start"], None)), "target.special.start is needed"),
    ("a source vocabulary of 1,000,001 tokens", "gru", big_vocabulary, [], "at most 1,000,000",
     with_doc("gru", doc_big_vocabulary), "at most 1000000"),
    ("a transformer layer_norm_eps of 1", "transformer", tf_config("layer_norm_eps", 1.0), [], "layer_norm_eps",
     with_doc("transformer", doc_set(["hyperparameters", "layer_norm_eps"], 1.0)), "layer_norm_eps is 1"),
    ("a transformer nhead that does not divide d_model", "transformer", tf_config("nhead", 3), [], "does not divide",
     with_doc("transformer", doc_set(["hyperparameters", "nhead"], 3)), "does not divide"),
    ("a transformer without a source start token", "transformer", mutate_gru(["special", "bos"], None), [],
     "needs a start", with_doc("transformer", doc_set(["source", "special", "start"], None)),
     "source.special.start is needed"),
    ("max_positions 100001", "transformer", lambda ck: ck.update(transformer_checkpoint(maxlen=100001)),
     ["--max-positions", "100001"], "max_positions is 100001",
     with_doc("transformer", doc_set(["hyperparameters", "max_positions"], 100001)), "max_positions is 100001"),
]


def round_trip(name, kind, change, args, expect, doc_text, loader_expect):
    d = fresh_dir()
    ck = gru_checkpoint() if kind == "gru" else transformer_checkpoint()
    change(ck)
    ck_path = save(ck, d)
    out = os.path.join(d, "out.json")
    assert_refused(export_in_process(ck_path, out, *args), ck_path, expect, d)
    # the same content, written without the exporter's checks
    direct = os.path.join(WORK, "direct-%03d.json" % _counter[0])
    with open(direct, "w", encoding="utf-8") as f:
        f.write(doc_text())
    assert_loader_refuses(direct, loader_expect)


for case in ROUND_TRIPS:
    check("round trip: " + case[0])(lambda case=case: round_trip(*case))


@check("at the loader's limits both accept: 64 levels, integers of +-(2^63 - 1), a 4096-byte join")
def boundaries():
    d = fresh_dir()
    ck = gru_checkpoint()
    ck["metadata"] = {"deep": nested_list(62), "big": 2 ** 63 - 1, "small": -(2 ** 63 - 1), 7: "seven"}
    ck_path = save(ck, d)
    out = os.path.join(d, "out.json")
    status, stdout, err = export_in_process(ck_path, out)
    assert status == 0 and err == "", (status, err)
    assert_loader_accepts(out)
    with open(out, encoding="utf-8") as f:
        assert json.load(f)["metadata"]["7"] == "seven"
    doc = copy.deepcopy(BASE["gru"])
    doc["metadata"] = {"deep": nested_list(63)}            # 65 levels with the document and metadata
    try:
        attnscope_export.check_document(doc)
        raise AssertionError("check_document accepted 65 levels")
    except attnscope_export.ExportError as e:
        assert "nested too deep" in str(e), e


@check("odd but valid text and extreme float32 weights: the exporter writes them and the loader reads them")
def odd_but_valid():
    d = fresh_dir()
    ck = gru_checkpoint()
    odd = ["a\x01b", "c\x7fd", "e\x85f", "\u2028", "\ufeffx", "\uffff", "\U0010ffff", "\u202e", "\\u0000", '"']
    ck["source_vocab"] = SRC + odd
    ck["encoder_state"]["embedding.weight"] = torch.zeros(len(SRC) + len(odd), 4)
    ck["metadata"] = {"\x01k": "\x1b[31m", "\U0001f600": "\u202e", "1.5": 1.5, "tiny": 5e-324}
    bias = ck["decoder_state"]["out.bias"]
    bias[0] = 3.4028234663852886e38                        # the largest float32
    bias[1] = -3.4028234663852886e38
    bias[2] = 1.401298464324817e-45                        # the smallest subnormal float32
    ck_path = save(ck, d)
    for encoding in ("json", "base64"):
        out = os.path.join(d, "out-%s.json" % encoding)
        status, stdout, err = export_in_process(ck_path, out, "--encoding", encoding)
        assert status == 0 and err == "", (status, err)
        assert_loader_accepts(out)


def fake_tensors(doc, hidden):
    doc["hyperparameters"]["hidden_size"] = hidden
    for entry in doc["tensors"].values():
        entry["data"] = ""


@check("round trip (a document): a tensor of more than 2^28 elements")
def too_many_elements():
    # 65,537 source tokens at hidden_size 4096: the embedding has 2^28 + 4096 elements
    doc = copy.deepcopy(BASE["gru"])
    doc["source"]["vocabulary"] = SRC + ["w%d" % i for i in range(65537 - len(SRC))]
    shapes = attnscope_export.expected_shapes(4096, 65537, len(TGT))
    fake_tensors(doc, 4096)
    for name, shape in shapes.items():
        doc["tensors"][name]["shape"] = shape
    try:
        attnscope_export.check_document(doc)
        raise AssertionError("check_document accepted a tensor of more than 2^28 elements")
    except attnscope_export.ExportError as e:
        assert "2^28" in str(e) and "encoder.embedding.weight" in str(e), e
    direct = os.path.join(WORK, "direct-elements.json")
    with open(direct, "w", encoding="utf-8") as f:
        f.write(dump(doc))
    assert_loader_refuses(direct, "2^28")


@check("round trip (a document): a join of 4097 bytes")
def long_join():
    doc = copy.deepcopy(BASE["gru"])
    doc["target"]["join"] = "\u00e9" * 2048 + "x"          # 2049 characters, 4097 bytes
    try:
        attnscope_export.check_document(doc)
        raise AssertionError("check_document accepted a join of 4097 bytes")
    except attnscope_export.ExportError as e:
        assert "4096 bytes" in str(e), e
    direct = os.path.join(WORK, "direct-join.json")
    with open(direct, "w", encoding="utf-8") as f:
        f.write(dump(doc))
    assert_loader_refuses(direct, "longer than 4096 bytes")
    doc["target"]["join"] = "\u00e9" * 2048                 # 4096 bytes: both accept
    attnscope_export.check_document(doc)
    with open(direct, "w", encoding="utf-8") as f:
        f.write(dump(doc))
    assert_loader_accepts(direct)


@check("the API refuses as the command line does: export_gru_attention with metadata keys 1 and '1' writes nothing")
def api_refuses():
    d = fresh_dir()
    torch.manual_seed(3)
    enc, dec = EncoderRNN(len(SRC), 4), AttnDecoderRNN(4, len(TGT))
    out = os.path.join(d, "out.json")
    for metadata, expect in (({1: "a", "1": "b"}, "both"), ({"n": float("nan")}, "NaN"),
                             ({"x": object()}, "object"), ({"self": None}, "nested too deep")):
        if "self" in metadata:
            metadata["self"] = metadata               # a dict that contains itself
        try:
            attnscope_export.export_gru_attention(enc, dec, SRC, TGT, out, metadata=metadata)
            raise AssertionError("export_gru_attention accepted %r" % (metadata,))
        except attnscope_export.ExportError as e:
            assert expect in str(e), e
        assert os.listdir(d) == [], os.listdir(d)


# --------------------------------------------------------------------------
# Checkpoints of the wrong shape: one line, no traceback, no file

def drop(key):
    return lambda ck: ck.pop(key)


def sub(key, name, value):
    def f(ck):
        ck[key][name] = value
    return f


def sub_drop(key, name):
    return lambda ck: ck[key].pop(name)


WRONG_SHAPES = [
    ("gru", lambda ck: [ck], "a checkpoint is a dict"),
    ("gru", drop("encoder_state"), "lacks 'encoder_state'"),
    ("gru", mutate_gru(["hidden_size"], "4"), "hidden_size must be an integer"),
    ("gru", mutate_gru(["hidden_size"], 4.0), "hidden_size must be an integer"),
    ("gru", mutate_gru(["hidden_size"], 8), "has shape [5, 4], [5, 8] expected"),
    ("gru", mutate_gru(["source_vocab"], None), "source vocabulary must be a list"),
    ("gru", mutate_gru(["target_vocab"], {0: "SOS", 1: "EOS", 3: "x"}), "without gaps"),
    ("gru", mutate_gru(["encoder_state"], [1, 2]), "encoder_state must be a dict"),
    ("gru", sub("encoder_state", "gru.bias_hh_l0", "zeros"), "not a tensor"),
    ("gru", sub("encoder_state", "gru.bias_hh_l0", torch.zeros(5)), "has shape [5], [12] expected"),
    ("gru", sub("decoder_state", "out.bias", torch.zeros(5, dtype=torch.int64)), "not floating-point"),
    ("gru", sub("decoder_state", "extra.weight", torch.zeros(2)), "which the format does not know"),
    ("gru", sub_drop("decoder_state", "attention.Va.bias"), "lacks attention.Va.bias"),
    ("gru", mutate_gru(["settings"], [1]), "settings must be a dict"),
    ("gru", mutate_gru(["settings", "max_target_length"], "10"), "must be an integer"),
    ("gru", mutate_gru(["metadata"], ["a"]), "metadata must be a dict"),
    ("gru", mutate_gru(["source_tokenizer"], 7), "tokenizer must be a string or a dict"),
    ("gru", mutate_gru(["target_tokenizer"], {"type": "bytes"}), "tokenizer type must be one of"),
    ("gru", mutate_gru(["target_tokenizer"], {"type": "words", 3: 4}), "unknown keys"),
    ("gru", mutate_gru(["languages"], "en"), "languages must be a dict"),
    ("gru", mutate_gru(["sos_index"], "0"), "must be an integer"),
    ("gru", mutate_gru(["architecture"], "lstm"), "architecture 'lstm'"),
    ("transformer", mutate_gru(["config"], [1]), "config must be a dict"),
    ("transformer", tf_config("bias", True), "not one of Seq2SeqTransformer's arguments"),
    ("transformer", lambda ck: ck["config"].pop("emb_size"), "config lacks 'emb_size'"),
    ("transformer", tf_config("emb_size", 0), "emb_size is 0"),
    ("transformer", tf_config("activation", "tanh"), "activation"),
    ("transformer", tf_config("src_vocab_size", 7), "src_vocab_size is 7"),
    ("transformer", tf_config("maxlen", 10 ** 9), "maxlen"),
    ("transformer", sub("state_dict", "generator.bias", torch.zeros(3)), "has shape [3], [6] expected"),
    ("transformer", mutate_gru(["special"], [2, 3]), "special must be a dict"),
    ("transformer", sub_drop("special", "eos"), "lacks 'eos'"),
    ("transformer", mutate_gru(["tokenizers"], "words"), "tokenizers must be a dict"),
    ("transformer", mutate_gru(["max_positions"], "x"), "max_positions must be an integer"),
    ("transformer", mutate_gru(["max_positions"], 64), "more than the 32 rows"),
    ("transformer", mutate_gru(["max_target_length"], 0), "max_target_length is 0"),
]


def wrong_shape(kind, change, expect):
    d = fresh_dir()
    ck = gru_checkpoint() if kind == "gru" else transformer_checkpoint()
    changed = change(ck)
    ck_path = save(changed if isinstance(changed, list) else ck, d)
    assert_refused(export_in_process(ck_path, os.path.join(d, "out.json")), ck_path, expect, d)


for i, case in enumerate(WRONG_SHAPES):
    check("wrong shape %d: %s" % (i, case[2]))(lambda case=case: wrong_shape(*case))


def not_a_checkpoint(content, expect):
    d = fresh_dir()
    ck_path = os.path.join(d, "ck.pt")
    with open(ck_path, "wb") as f:
        f.write(content)
    assert_refused(export_in_process(ck_path, os.path.join(d, "out.json")), ck_path, expect, d)


_good = io.BytesIO()
torch.save(gru_checkpoint(), _good)
for label, content in (("an empty file", b""), ("random bytes", bytes(range(256)) * 4),
                       ("a checkpoint cut in half", _good.getvalue()[:len(_good.getvalue()) // 2]),
                       ("JSON", b'{"encoder_state": 1}')):
    check("not a checkpoint: " + label)(lambda content=content: not_a_checkpoint(content, "not a PyTorch checkpoint"))


@check("a missing checkpoint, a folder as checkpoint, a missing output folder: one line each, in a process of its own")
def paths():
    d = fresh_dir()
    result = export_process(os.path.join(d, "nothing.pt"), os.path.join(d, "out.json"))
    assert_refused(result, os.path.join(d, "nothing.pt"), "no such file", d, keep=())
    assert_refused(export_in_process(d, os.path.join(d, "out.json")), d, "not a regular file", d, keep=())
    ck_path = save(gru_checkpoint(), d)
    out = os.path.join(d, "missing", "out.json")
    assert_refused(export_in_process(ck_path, out), None, "cannot write " + out, d)


# --------------------------------------------------------------------------
# A write that fails half-way

@check("past `ulimit -f` the export fails with one line, leaves no partial or temporary file, keeps the old output")
def file_size_limit():
    d = fresh_dir()
    ck_path = save(gru_checkpoint(hidden=64, src=SRC + ["w%d" % i for i in range(2000)]), d)
    out = os.path.join(d, "out.json")
    with open(out, "w") as f:
        f.write("precious")

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (100000, 100000))

    result = export_process(ck_path, out, preexec_fn=limit)
    assert_refused(result, None, "cannot write " + out, d, keep=("ck.pt", "out.json"))
    with open(out) as f:
        assert f.read() == "precious", "the old output was changed"


@check("a 255-byte output name can be written (the temporary name is shortened)")
def long_name():
    d = fresh_dir()
    ck_path = save(gru_checkpoint(), d)
    out = os.path.join(d, "m" * 250 + ".json")
    status, stdout, err = export_in_process(ck_path, out)
    assert status == 0 and err == "", (status, err)
    assert sorted(os.listdir(d)) == sorted(["ck.pt", os.path.basename(out)]), os.listdir(d)


# --------------------------------------------------------------------------

def main():
    print("1..%d" % len(results))
    failed = 0
    for i, (name, error) in enumerate(results, 1):
        if error is None:
            print("ok %d %s" % (i, name))
        else:
            failed += 1
            print("not ok %d %s" % (i, name))
            for line in error.splitlines():
                print("# " + line)
    if not failed:
        import shutil
        shutil.rmtree(WORK, ignore_errors=True)
    else:
        print("# files kept in %s" % WORK)
    return 0


sys.exit(main())
