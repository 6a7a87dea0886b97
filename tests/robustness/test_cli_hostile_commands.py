#!/usr/bin/env python3
"""attnscope-cli under hostile commands and files (issue 15, points 2 to 6):

- every SVG export is well-formed XML, whatever the sentence, the tokens and
  the join hold (control characters, U+FFFE, U+FFFF), which are shown as
  escapes (\\u0001), never dropped;
- bounded work: commands past the work limit are refused quickly, naming the
  limit and its value; one just inside succeeds; --json is written as a
  stream (its peak memory stays small);
- files: a file-size limit (ulimit -f) makes the export fail with a message,
  leaving no temporary file and the old file intact; names of 248 to 255
  bytes export; a PNG too large says that SVG or PDF take it;
- one escaping rule for everything printed: C1 controls, bidi controls and
  the line and paragraph separators are escaped in the text output, in
  --json (as JSON's \\u escapes) and in messages (the output path);
- --max-len 0 and out-of-range --step values are refused in one line.

Usage: test_cli_hostile_commands.py ATTNSCOPE-CLI. Output: TAP."""

import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitap  # noqa: E402

CLI = os.path.abspath(sys.argv[1])
MODELS = os.environ.get("ATTNSCOPE_MODELS_DIR", os.path.join(clitap.TESTS, "..", "data", "models"))
TINY = os.path.join(MODELS, "tiny-hello.json")
GRU = os.path.join(MODELS, "en-zh-gru.json")
tap = clitap.Tap()

# AS_MAX_ATTENTION_WEIGHTS and AS_MAX_DECODER_WORK (src/core/as-session.h)
MAX_WEIGHTS = 1 << 23
MAX_DECODER_WORK = 1 << 33
# a refusal comes after loading the model and encoding the sentence, no
# more: seconds on a loaded machine (the unbounded commands took 12 s to
# minutes); under valgrind or the sanitizers (tests/run-all.sh), no timing
# or peak memory is checked
QUICK = 10.0
SLOW = clitap.WRAPPED or bool(os.environ.get("ASAN_OPTIONS"))

_tmp = tempfile.TemporaryDirectory()
with open(TINY, encoding="utf-8") as f:
    _tiny = json.load(f)

# tiny-hello whose tokens and join hold what must never be printed raw:
# C0 (XML forbids it), U+FFFF, C1 (0x9B is the 8-bit CSI, 0x85 NEL), bidi
# overrides, isolates and marks, line and paragraph separators
WEIRD = os.path.join(_tmp.name, "weird.json")
_weird = json.loads(json.dumps(_tiny))
_weird["target"]["vocabulary"][3] = "bon\x01jour\uffff"
_weird["target"]["vocabulary"][4] = "mo\u202en\u2066de\u200f\x9b"
_weird["target"]["vocabulary"][5] = "!\u2028\u2029\x85"
_weird["target"]["join"] = "\x02"
_weird["source"]["vocabulary"][4] = "wor\u202eld\x9b"
with open(WEIRD, "w", encoding="utf-8") as f:
    json.dump(_weird, f)
WEIRD_SENTENCE = "hello wor\u202eld\x9b !"

# every character that must never reach a terminal raw (as_char_needs_escape)
NEVER_RAW = ([chr(c) for c in range(0x20) if c not in (0x0a,)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xa0)] +
             ["\u061c", "\u200e", "\u200f"] + [chr(c) for c in range(0x202a, 0x202f)] +
             [chr(c) for c in range(0x2066, 0x206a)] + ["\u2028", "\u2029", "\ufffe", "\uffff"])


def timed(*args, **kwargs):
    start = time.monotonic()
    r = clitap.run(CLI, *args, **kwargs)
    return r, time.monotonic() - start


def one_line_failure(r, code=None):
    assert r.returncode != 0 and r.returncode > 0, "expected a failure (not a signal)\n" + r.describe()
    if code is not None:
        assert r.returncode == code, ("expected exit %d\n" % code) + r.describe()
    assert r.stdout == b"", r.describe()
    assert r.stderr.startswith(b"attnscope-cli: ") and r.stderr.count(b"\n") == 1 and r.stderr.endswith(b"\n"), \
        "expected one line on stderr\n" + r.describe()
    return r.stderr.decode("utf-8")


def assert_xml(path):
    """Python's expat refuses what XML 1.0 forbids (&#x1;, raw U+FFFF ...)."""
    tree = ET.parse(path)
    assert tree.getroot().tag.endswith("svg"), tree.getroot().tag
    return tree


def svg_title_and_desc(path):
    root = assert_xml(path).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    return root.find(ns + "title").text, root.find(ns + "desc").text


# 2. Well-formed SVG

@tap.test
def svg_with_forbidden_characters_in_the_sentence_is_xml():
    forbidden = [chr(c) for c in range(1, 0x20) if c not in (0x09, 0x0a, 0x0d)] + ["\ufffe", "\uffff"]
    sentence = "hello " + "".join(forbidden) + " world !"
    with tempfile.TemporaryDirectory() as d:
        for extra in ([], ["--svg-text"]):
            out = os.path.join(d, "s%d.svg" % len(extra))
            r = clitap.run(CLI, "render", TINY, sentence, "-o", out, *extra)
            assert r.returncode == 0 and r.stderr == b"", r.describe()
            title, desc = svg_title_and_desc(out)
            # shown, not dropped: each as the text output shows it
            for c in forbidden:
                assert "\\u%04X" % ord(c) in title, (c, title)
            for c in forbidden + NEVER_RAW:
                if c not in "\t\n\r":
                    assert c not in title and c not in desc, repr(c)


@tap.test
def svg_with_forbidden_characters_in_tokens_and_join_is_xml():
    with tempfile.TemporaryDirectory() as d:
        for extra in ([], ["--svg-text"], ["--target", "bon\x01jour\uffff mo\u202en\u2066de\u200f\x9b"]):
            out = os.path.join(d, "t.svg")
            r = clitap.run(CLI, "render", WEIRD, WEIRD_SENTENCE, "-o", out, *extra)
            assert r.returncode == 0 and r.stderr == b"", r.describe()
            title, desc = svg_title_and_desc(out)
            assert "bon\\u0001jour\\uFFFF" in title, title                     # a token
            assert "jour\\uFFFF\\u0002mo" in title, title                       # the join
            assert "wor\\u202Eld\\u009B" in desc, desc                         # a source token
            if extra == ["--svg-text"]:
                with open(out, encoding="utf-8") as f:
                    text = f.read()
                assert "<text" in text and "\x01" not in text and "&#x1;" not in text


@tap.test
def svg_checked_by_xmllint_too():
    # (libxml2-utils is one of the test command's packages)
    assert any(os.access(os.path.join(p, "xmllint"), os.X_OK) for p in os.environ.get("PATH", "").split(":")), \
        "xmllint is not installed"
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "x.svg")
        r = clitap.run(CLI, "render", WEIRD, "hello \x01\x1b[31m \uffff !", "-o", out, "--svg-text")
        assert r.returncode == 0, r.describe()
        p = subprocess.run(["xmllint", "--noout", out], capture_output=True)
        assert p.returncode == 0, p.stderr


# 3. Bounded work

def many_bangs(n):
    return "!" * n  # tiny-hello reads "!" as one token each (its tokenizer splits punctuation)


@tap.test
def long_sentence_with_999_forced_tokens_and_json_is_refused_quickly():
    target = " ".join(["bonjour"] * 999)
    r, seconds = timed("translate", TINY, many_bangs(49999), "--target", target, "--json")
    message = one_line_failure(r, 1)
    assert "work limit" in message and str(MAX_WEIGHTS) in message, message
    assert "1000 steps" in message and "50000 source tokens" in message, message
    assert "at most 167 steps" in message, message
    assert SLOW or seconds < QUICK, "refused after %.1f s" % seconds


@tap.test
def bundled_model_long_sentence_and_long_decode_are_refused_quickly():
    sentence = " ".join(["i"] * 49999)
    # under valgrind, one: encoding 50,000 tokens of the bundled model takes minutes there
    for extra in (["--max-len", "1000"], ["--target", "我" * 999])[:1 if clitap.WRAPPED else 2]:
        r, seconds = timed("translate", GRU, sentence, *extra)
        message = one_line_failure(r, 1)
        assert "work limit" in message and str(MAX_WEIGHTS) in message, message
        assert SLOW or seconds < QUICK, "refused after %.1f s" % seconds
    # a beam of 64 over 1000 steps: the steps times the model's parameters
    r, seconds = timed("translate", GRU, "i am", "--beam", "64", "--max-len", "1000")
    message = one_line_failure(r, 1)
    assert "work limit" in message and str(MAX_DECODER_WORK) in message and "1573068 parameters" in message, message
    assert SLOW or seconds < QUICK, "refused after %.1f s" % seconds


@tap.test
def render_50000_by_1000_is_refused_quickly():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "big.png")
        r, seconds = timed("render", TINY, many_bangs(49999), "--target", " ".join(["bonjour"] * 999), "-o", out,
                           "--width", "1000", "--height", "1000")
        message = one_line_failure(r, 1)
        assert "work limit" in message and str(MAX_WEIGHTS) in message, message
        assert SLOW or seconds < QUICK, "refused after %.1f s" % seconds
        assert os.listdir(d) == []


@tap.test
def just_inside_the_limit_succeeds():
    if SLOW:
        return "too slow under valgrind or the sanitizers: millions of attention weights"
    # 49,999 tokens and their end: 167 steps fit (166 forced tokens and the end)
    target = " ".join(["bonjour"] * 166)
    r, seconds = timed("translate", TINY, many_bangs(49999), "--target", target)
    assert r.returncode == 0 and r.stderr == b"", r.describe()
    assert seconds < 30, "%.1f s" % seconds
    r = clitap.run(CLI, "translate", TINY, many_bangs(49999), "--target", target + " bonjour")
    assert "at most 167 steps" in one_line_failure(r, 1)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "inside.png")
        r, seconds = timed("render", TINY, many_bangs(8000), "--target", " ".join(["bonjour"] * 999), "-o", out,
                           "--width", "1000", "--height", "1000")
        assert r.returncode == 0 and r.stderr == b"", r.describe()
        assert seconds < 30, "%.1f s" % seconds
        with open(out, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"


PEAK_RSS = r"""
import resource, subprocess, sys
with open(sys.argv[1], "wb") as out:
    p = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE)
sys.stderr.buffer.write(p.stderr)
print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


@tap.test
def json_is_streamed_in_bounded_memory():
    if SLOW:
        return "peak memory is not the program's own under valgrind or the sanitizers"
    # 8,300 tokens x 1000 steps: near the limit, about 250 MB of JSON; a
    # tree of it took gigabytes
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "out.json")
        p = subprocess.run([sys.executable, "-c", PEAK_RSS, out, CLI, "translate", TINY, many_bangs(8300), "--target",
                            " ".join(["bonjour"] * 999), "--json"], capture_output=True, timeout=clitap.TIMEOUT)
        code, peak_kb = (int(x) for x in p.stdout.split())
        assert code == 0, p.stderr
        size = os.path.getsize(out)
        assert size > 200e6, size
        assert peak_kb < 200 * 1024, "peak RSS %d MB for %d MB of JSON" % (peak_kb // 1024, size // 1000000)
        # and it is JSON: its start, its end, and a row in the middle
        with open(out, "rb") as f:
            head = f.read(200)
            f.seek(size // 4)  # (the middle is where "attention" ends and "cross_attention" begins)
            middle = f.read(1000000)  # rows are about 130 kB
            f.seek(size - 100)
            tail = f.read()
        assert head.startswith(b'{"architecture":"gru-bahdanau","source_tokens":["!","!"'), head
        assert tail.endswith(b"]]]]}\n"), tail
        row = next(part for part in middle.split(b"],[")[1:-1] if b"[" not in part and b"]" not in part)
        values = json.loads(b"[" + row + b"]")
        assert len(values) == 8301 and abs(sum(values) - 1.0) < 1e-4, (len(values), sum(values))


@tap.test
def json_numbers_give_the_same_floats_back():
    r = clitap.run(CLI, "translate", TINY, "hello world !", "--json")
    assert r.returncode == 0, r.describe()
    doc = json.loads(r.stdout)
    for row in doc["attention"]:
        for v in row:
            # 9 significant digits of a float: as many as give it back
            f32 = struct.unpack("f", struct.pack("f", v))[0]
            assert float("%.9g" % f32) == v, v
        assert abs(sum(row) - 1.0) < 1e-5


# 4. Files

def limit_file_size(limit):
    def set_limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return set_limit


@tap.test
def file_size_limit_fails_cleanly():
    with tempfile.TemporaryDirectory() as d:
        for name in ("out.svg", "out.png", "out.pdf"):
            out = os.path.join(d, name)
            with open(out, "wb") as f:
                f.write(b"KEEP")
            p = subprocess.run(clitap.WRAPPER + [CLI, "render", TINY, "hello world !", "-o", out],
                               capture_output=True, preexec_fn=limit_file_size(2048), timeout=clitap.TIMEOUT)
            assert p.returncode == 1, "exit %d (a negative number is a signal): %r" % (p.returncode, p.stderr)
            assert p.stderr.decode() == ("attnscope-cli: Could not write “%s”: File too large (the limit on the size of "
                                         "the files this program writes, ulimit -f)\n" % out), p.stderr
            with open(out, "rb") as f:
                assert f.read() == b"KEEP"
        assert sorted(os.listdir(d)) == ["out.pdf", "out.png", "out.svg"], os.listdir(d)
        # --json (1,926 bytes) to a file past the limit: a failure, not a
        # silent success. (The limit leaves room for valgrind's own copy of
        # the command line, a file of its own that it writes in the stage
        # that runs the CLI under it: at 100 bytes, valgrind was killed.)
        with open(os.path.join(d, "out.json"), "wb") as f:
            p = subprocess.run(clitap.WRAPPER + [CLI, "translate", TINY, "hello world !", "--json"], stdout=f,
                               stderr=subprocess.PIPE, preexec_fn=limit_file_size(1024), timeout=clitap.TIMEOUT)
        assert p.returncode == 1 and b"could not write the output: File too large" in p.stderr, p.stderr


@tap.test
def names_of_248_to_255_bytes_export():
    with tempfile.TemporaryDirectory() as d:
        for length in (248, 250, 255):
            for ext in (".svg", ".png"):
                name = "a" * (length - len(ext)) + ext
                out = os.path.join(d, name)
                r = clitap.run(CLI, "render", TINY, "hello world !", "-o", out)
                assert r.returncode == 0 and r.stderr == b"", r.describe()
                assert os.path.getsize(out) > 0
        # a name of two-byte characters: 254 bytes
        name = "é" * 125 + ".svg"
        assert len(name.encode()) == 254
        r = clitap.run(CLI, "render", TINY, "hello world !", "-o", os.path.join(d, name))
        assert r.returncode == 0, r.describe()
        assert all(not n.startswith(".") for n in os.listdir(d)), os.listdir(d)


@tap.test
def png_too_large_says_svg_or_pdf_work():
    with tempfile.TemporaryDirectory() as d:
        sentence = many_bangs(12000)  # about 36,000 units wide
        r = clitap.run(CLI, "render", TINY, sentence, "-o", os.path.join(d, "wide.png"))
        message = one_line_failure(r, 1)
        assert "too large for PNG" in message and "SVG or PDF" in message, message
        assert "invalid value" not in message  # not cairo's own
        r = clitap.run(CLI, "render", TINY, "hello", "-o", os.path.join(d, "tall.png"), "--height", "16000",
                       "--scale", "3")
        assert "too large for PNG" in one_line_failure(r, 1)
        assert os.listdir(d) == []
        for ext in (".svg", ".pdf"):
            out = os.path.join(d, "wide" + ext)
            r = clitap.run(CLI, "render", TINY, sentence, "-o", out)
            assert r.returncode == 0 and r.stderr == b"", r.describe()
        assert_xml(os.path.join(d, "wide.svg"))


# 5. One escaping rule

def assert_no_raw(data, what):
    text = data.decode("utf-8")
    for c in NEVER_RAW:
        if c in "\t\n\r" and what != "message":
            continue
        assert c not in text, "%s holds U+%04X raw: %r" % (what, ord(c), text[:300])


@tap.test
def text_output_escapes_every_category():
    r = clitap.run(CLI, "translate", WEIRD, WEIRD_SENTENCE, "--top", "3")
    assert r.returncode == 0 and r.stderr == b"", r.describe()
    assert_no_raw(r.stdout, "text output")
    out = r.stdout.decode()
    for shown in ("\\u0001", "\\uFFFF", "\\u0002", "\\u202E", "\\u2066", "\\u200F", "\\u009B", "\\u2028", "\\u2029",
                  "\\u0085"):
        assert shown in out, (shown, out)
    # unknown words too
    r = clitap.run(CLI, "translate", TINY, "zebra\u202e \x9bx \u2066y\u2069 \u200ez")
    assert r.returncode == 0, r.describe()
    assert_no_raw(r.stdout, "text output")
    assert "unknown words: zebra\\u202E, \\u009Bx, \\u2066y\\u2069, \\u200Ez" in r.stdout.decode(), r.stdout


@tap.test
def json_output_escapes_every_category():
    r = clitap.run(CLI, "translate", WEIRD, WEIRD_SENTENCE, "--json", "--top", "3")
    assert r.returncode == 0 and r.stderr == b"", r.describe()
    assert_no_raw(r.stdout, "--json")
    raw = r.stdout.decode()
    for shown in ("\\u0001", "\\uFFFF", "\\u0002", "\\u202E", "\\u2066", "\\u200F", "\\u009B", "\\u2028", "\\u2029"):
        assert shown in raw, shown
    doc = json.loads(raw)  # JSON's own escapes: the strings come back whole
    assert doc["target_tokens"][:3] == _weird["target"]["vocabulary"][3:6], doc["target_tokens"]
    assert doc["source_tokens"][1] == "wor\u202eld\x9b"
    assert doc["translation"] == "\x02".join(_weird["target"]["vocabulary"][3:6])


@tap.test
def messages_escape_paths_and_arguments():
    with tempfile.TemporaryDirectory() as d:
        evil = os.path.join(d, "no\x1b]0;title\x07such\u202e\x9b\u2028dir", "x.svg")
        r = clitap.run(CLI, "render", TINY, "hello", "-o", evil)
        message = one_line_failure(r, 1)
        assert_no_raw(r.stderr, "message")
        assert "no\\u001B]0;title\\u0007such\\u202E\\u009B\\u2028dir/x.svg" in message, message
        # a path that is not .svg, .png or .pdf; a folder
        r = clitap.run(CLI, "render", TINY, "hello", "-o", os.path.join(d, "x\x1b[2J\u2066.txt"))
        assert "x\\u001B[2J\\u2066.txt" in one_line_failure(r, 1)
        assert_no_raw(r.stderr, "message")
        folder = os.path.join(d, "f\u202e.svg")
        os.mkdir(folder)
        r = clitap.run(CLI, "render", TINY, "hello", "-o", folder)
        assert "f\\u202E.svg" in one_line_failure(r, 1)
        # a model path, and an argument GOption names
        for args in (["info", os.path.join(d, "m\u202e\x85.json")], ["translate", TINY, "hello", "--step", "\x1b[1m"],
                     ["render", TINY, "hello", "-o", os.path.join(d, "a.svg"), "--step", "\u2029"],
                     ["\x1b]0;x\x07"]):
            r = clitap.run(CLI, *args)
            one_line_failure(r)
            assert_no_raw(r.stderr, "message")


# 6. Options refused

@tap.test
def out_of_range_options_are_refused_in_one_line():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "s.svg")
        cases = [
            (["translate", TINY, "hello", "--max-len", "0"], "--max-len 0: the translation's length must be between 1"),
            (["translate", TINY, "hello", "--max-len", "-2147483648"], "--max-len -2147483648"),
            (["render", TINY, "hello", "-o", out, "--step", "-2"], "--step -2: steps are counted from 1"),
            (["render", TINY, "hello", "-o", out, "--step", "0"], "--step 0: steps are counted from 1"),
            # G_MININT once stood for "not given" and was taken
            (["render", TINY, "hello", "-o", out, "--step", "-2147483648"], "--step -2147483648: steps are counted"),
            (["render", TINY, "hello", "-o", out, "--step", "99"], "--step 99 is past the last step"),
            (["render", TINY, "hello", "-o", out, "--step", "2147483648"], "--step must be a whole number"),
            (["render", TINY, "hello", "-o", out, "--step", "1.5"], "--step must be a whole number"),
            (["render", TINY, "hello", "-o", out, "--width", "-2147483648"], "--width must be from 1 to 16384"),
            (["render", TINY, "hello", "-o", out, "--layer", "-2147483648"], "--layer -2147483648: this model's"),
        ]
        for args, expected in cases:
            r = clitap.run(CLI, *args)
            message = one_line_failure(r)
            assert expected in message, (args, message)
        assert os.listdir(d) == []
        # refused before the model is read: a bad --step with a model that does not exist
        r = clitap.run(CLI, "render", os.path.join(d, "none.json"), "hello", "-o", out, "--step", "-2")
        assert "--step -2" in one_line_failure(r, 2)


sys.exit(tap.run())
