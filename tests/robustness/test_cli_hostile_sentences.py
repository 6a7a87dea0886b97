#!/usr/bin/env python3
"""attnscope-cli on hostile sentences: empty, only spaces, only punctuation,
only unknown words, 10,000 words, one 100,000-character word, control
characters, invalid UTF-8 on the command line, emoji, right-to-left text, too
many tokens. Each gives a clear result or exactly one line of message, never
a crash or a hang; every attention row of --json sums to 1. Output: TAP.

Usage: test_cli_hostile_sentences.py ATTNSCOPE-CLI"""

import json
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitap  # noqa: E402

CLI = os.path.abspath(sys.argv[1])
MODELS = os.environ.get("ATTNSCOPE_MODELS_DIR", os.path.join(clitap.TESTS, "..", "data", "models"))
TINY = os.path.join(MODELS, "tiny-hello.json")
tap = clitap.Tap()

# tiny-hello without an unknown token on the source side, and one that reads characters
_tmp = tempfile.TemporaryDirectory()
with open(TINY, encoding="utf-8") as f:
    _text = f.read()
STRICT = os.path.join(_tmp.name, "strict.json")
with open(STRICT, "w", encoding="utf-8") as f:
    f.write(_text.replace('"unknown": 2', '"unknown": null', 1))
HUGE = os.path.join(_tmp.name, "huge.json")  # finite weights that overflow float arithmetic
with open(HUGE, "w", encoding="utf-8") as f:
    f.write(_text.replace("[2.154, -1.486, -2.433, -1.037]", "[3e38, 3e38, 3e38, 3e38]", 1))
CHARS = os.path.join(_tmp.name, "chars.json")
with open(CHARS, "w", encoding="utf-8") as f:
    f.write(_text.replace('"type": "words"', '"type": "characters"', 1))


def translate_json(sentence, *args, model=TINY):
    r = clitap.run(CLI, "translate", model, sentence, "--json", *args)
    assert r.returncode == 0, "expected success\n" + r.describe()
    assert r.stderr == b"", "expected nothing on stderr\n" + r.describe()
    doc = json.loads(r.stdout.decode("utf-8"))  # also: the output is valid UTF-8 and JSON
    return doc


def check_document(doc, n_source=None):
    """Every attention row sums to 1 (within 1e-5, also over 50,000 tokens)."""
    steps = doc["steps"]
    rows = doc["attention"]
    assert len(rows) == len(steps) == len(doc["target_tokens"]), doc.keys()
    assert doc["cross_attention"] == [[rows]]
    assert len(steps) >= 1
    if n_source is not None:
        assert len(doc["source_tokens"]) == n_source, (len(doc["source_tokens"]), n_source)
    for t, row in enumerate(rows):
        assert len(row) == len(doc["source_tokens"])
        assert all(0.0 <= a <= 1.0 for a in row), "attention outside [0, 1] at step %d" % t
        total = math.fsum(row)
        assert abs(total - 1.0) <= 1e-5, "row %d over %d tokens sums to %.9f" % (t, len(row), total)
    for s in steps:
        assert 0.0 < s["prob"] <= 1.0


def expect_message(args, message):
    r = clitap.run(CLI, *args)
    assert r.returncode == 1, "expected exit 1\n" + r.describe()
    assert r.stdout == b"", "expected nothing on stdout\n" + r.describe()
    assert r.stderr == ("attnscope-cli: " + message + "\n").encode("utf-8"), r.describe()


def decode_every_way(sentence, n_source=None, model=TINY):
    ways = ([], ["--beam", "4"], ["--target", "bonjour monde"], ["--max-len", "3"])
    if clitap.WRAPPED:
        ways = ways[:2]  # under valgrind a run takes a second or more: greedy and beam
    for extra in ways:
        check_document(translate_json(sentence, *extra, model=model), n_source)
    # the text output too
    r = clitap.run(CLI, "translate", model, sentence)
    assert r.returncode == 0 and r.stderr == b"", r.describe()
    r.stdout.decode("utf-8")


@tap.test
def empty_sentence():
    for sentence in ("", " ", "   ", "\t\n\r", "\u3000\u00a0"):
        expect_message(["translate", TINY, sentence], "The sentence has no words to translate")
        expect_message(["translate", TINY, sentence, "--json"], "The sentence has no words to translate")


@tap.test
def empty_sentence_leaves_no_figure():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "out.svg")
        expect_message(["render", TINY, "  ", "-o", out], "The sentence has no words to translate")
        assert os.listdir(d) == []


@tap.test
def only_punctuation():
    doc = translate_json("?!.,;:")
    assert doc["source_tokens"] == ["<unk>", "!", "<unk>", "<unk>", "<unk>", "<unk>", "EOS"], doc["source_tokens"]
    assert doc["unknown_words"] == ["?", ".", ",", ";", ":"]
    check_document(doc)
    decode_every_way("?!.,;:")


@tap.test
def only_unknown_words():
    doc = translate_json("zebra yak gnu zebra")
    assert doc["source_tokens"] == ["<unk>"] * 4 + ["EOS"]
    assert doc["unknown_words"] == ["zebra", "yak", "gnu"]
    check_document(doc)
    expect_message(["translate", STRICT, "zebra yak gnu zebra"],
                   'The model does not know the words "zebra", "yak", "gnu" and has no unknown token to stand in')
    expect_message(["translate", STRICT, "hello zebra", "--beam", "3"],
                   'The model does not know the word "zebra" and has no unknown token to stand in')
    with tempfile.TemporaryDirectory() as d:
        expect_message(["render", STRICT, "zebra", "-o", os.path.join(d, "out.svg")],
                       'The model does not know the word "zebra" and has no unknown token to stand in')
        assert os.listdir(d) == []


@tap.test
def ten_thousand_words():
    sentence = " ".join(["hello", "world", "!", "zebra"][i % 4] for i in range(10000))
    decode_every_way(sentence, n_source=10001)


@tap.test
def one_word_of_100000_characters():
    word = "x" * 100000
    doc = translate_json(word)
    assert doc["source_tokens"] == ["<unk>", "EOS"]
    assert doc["unknown_words"] == [word]
    check_document(doc)
    expect_message(["translate", STRICT, word],
                   'The model does not know the word "%s" and has no unknown token to stand in' % word)
    # read as characters, it is 100,000 tokens: more than the engine takes
    expect_message(["translate", CHARS, word], "The sentence has 100000 tokens; AttnScope translates at most 49999")
    decode_every_way(word, n_source=2)


@tap.test
def too_many_tokens():
    expect_message(["translate", TINY, "! " * 60000], "The sentence has 60000 tokens; AttnScope translates at most 49999")
    check_document(translate_json("!" * 49999), n_source=50000)


@tap.test
def control_characters():
    sentence = "hello\x01 \x1b[31mworld\x7f !\x07"
    doc = translate_json(sentence)
    assert doc["source_tokens"][0] == "<unk>", doc["source_tokens"]  # "hello\x01" is one word
    assert "hello\x01" in doc["unknown_words"]
    check_document(doc)
    decode_every_way(sentence)


@tap.test
def invalid_utf8_on_the_command_line():
    expect_message(["translate", TINY, b"hello \xff world"], "the sentence is not valid UTF-8 (byte 7)")
    expect_message(["translate", TINY, b"\xc3"], "the sentence is not valid UTF-8 (byte 1)")
    with tempfile.TemporaryDirectory() as d:
        expect_message(["render", TINY, b"\xed\xa0\x80", "-o", os.path.join(d, "out.svg")],
                       "the sentence is not valid UTF-8 (byte 1)")
        assert os.listdir(d) == []


# --target is taken as the bytes given, as the sentence is (it once went
# through GOption's conversion from the locale's character set), and --json
# is UTF-8 whatever the locale (g_print() once turned it into '?').

@tap.test
def invalid_utf8_in_the_target():
    expect_message(["translate", TINY, b"hello", "--target", b"bon\xe9jour"], "the target is not valid UTF-8")


@tap.test
def target_in_the_c_locale():
    r = clitap.run(CLI, "translate", TINY, "hello", "--target", "bonjour é", "--json", env={"LC_ALL": "C"})
    assert r.returncode == 0, r.describe()
    doc = json.loads(r.stdout.decode("utf-8"))
    assert doc["target_tokens"] == ["bonjour", "<unk>", "EOS"], doc["target_tokens"]


@tap.test
def json_output_in_the_c_locale():
    r = clitap.run(CLI, "translate", TINY, "héllo 😀 שלום", "--json", env={"LC_ALL": "C"})
    assert r.returncode == 0 and r.stderr == b"", r.describe()
    doc = json.loads(r.stdout.decode("utf-8"))
    assert doc["unknown_words"] == ["héllo", "😀", "שלום"], doc["unknown_words"]


@tap.test
def emoji():
    sentence = "hello 😀 world 👍🏽 ! 👨\u200d👩\u200d👧 🇫🇷"
    doc = translate_json(sentence)
    assert "😀" in doc["unknown_words"] and "🏽" in doc["unknown_words"], doc["unknown_words"]
    check_document(doc)
    decode_every_way(sentence)
    doc = translate_json("😀😀😀", model=CHARS)
    assert doc["source_tokens"] == ["<unk>"] * 3 + ["EOS"]


@tap.test
def right_to_left():
    sentence = "שלום world مرحبا، عالم! \u202ehello\u202c"
    doc = translate_json(sentence)
    assert doc["unknown_words"][:2] == ["שלום", "مرحبا"], doc["unknown_words"]
    check_document(doc)
    decode_every_way(sentence)


@tap.test
def overflowing_model():
    message = "huge.json: the decoder's numbers overflow at step 0 (NaN or infinity): the model's weights are too large"
    for extra in ([], ["--json"], ["--beam", "5"], ["--target", "bonjour"]):
        expect_message(["translate", HUGE, "hello world !", *extra], message)
    with tempfile.TemporaryDirectory() as d:
        expect_message(["render", HUGE, "hello world !", "-o", os.path.join(d, "out.svg")], message)
        assert os.listdir(d) == []


@tap.test
def hostile_targets():
    for target in ("😀", "zebra zebra", "!" * 500, "\x01"):
        check_document(translate_json("hello world !", "--target", target))
    expect_message(["translate", TINY, "hello", "--target", ""], "The target translation has no tokens")
    expect_message(["translate", TINY, "hello", "--target", "! " * 1000],
                   "The target translation has 1000 tokens; at most 999 can be forced")


@tap.test
def hostile_sentences_render():
    with tempfile.TemporaryDirectory() as d:
        for i, sentence in enumerate(["😀 שלום ! مرحبا", "x" * 100000, "hello\x01\x1b !",
                                      " ".join(["hello"] * 10000)]):
            out = os.path.join(d, "f%d.svg" % i)
            r = clitap.run(CLI, "render", TINY, sentence, "-o", out)
            assert r.returncode == 0 and r.stderr == b"" and r.stdout == b"", r.describe()
            with open(out, "rb") as f:
                head = f.read(5)
            assert head == b"<?xml", head


sys.exit(tap.run())
