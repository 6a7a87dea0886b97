#!/usr/bin/env python3
"""attnscope-cli on every bad model of tests/bad-models/: `info` and
`translate` print exactly "attnscope-cli: " + the .expected line on stderr,
nothing on stdout, and exit 1; `render -o out.svg` writes no out.svg and
leaves an existing one as it was. Output: TAP.

Usage: test_cli_bad_models.py ATTNSCOPE-CLI

Under a wrapper (valgrind), `translate` runs on every file and `info` and
`render` on every eighth (the loader is the same code for all three)."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clitap  # noqa: E402

CLI = os.path.abspath(sys.argv[1])
BAD = os.path.join(clitap.TESTS, "bad-models")
tap = clitap.Tap()


def expect_refusal(result, expected):
    assert result.returncode == 1, "expected exit 1\n" + result.describe()
    assert result.stdout == b"", "expected nothing on stdout\n" + result.describe()
    want = ("attnscope-cli: " + expected + "\n").encode("utf-8")
    assert result.stderr == want, "expected stderr %r\n%s" % (want, result.describe())


def check(name, index):
    path = os.path.join(BAD, name + ".json")
    with open(os.path.join(BAD, name + ".expected"), encoding="utf-8") as f:
        expected = f.read().rstrip("\n")
    everything = not clitap.WRAPPED or index % 8 == 0

    expect_refusal(clitap.run(CLI, "translate", path, "hello world !"), expected)
    if not everything:
        return
    expect_refusal(clitap.run(CLI, "info", path), expected)
    expect_refusal(clitap.run(CLI, "translate", path, "hello", "--json", "--beam", "3"), expected)

    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "out.svg")
        expect_refusal(clitap.run(CLI, "render", path, "hello world !", "-o", out), expected)
        assert os.listdir(d) == [], "render left %s" % os.listdir(d)
        with open(out, "wb") as f:
            f.write(b"precious, not an SVG")
        expect_refusal(clitap.run(CLI, "render", path, "hello world !", "-o", out, cwd=d), expected)
        with open(out, "rb") as f:
            assert f.read() == b"precious, not an SVG", "render changed an existing out.svg"
        assert os.listdir(d) == ["out.svg"], "render left %s" % os.listdir(d)


names = sorted(f[:-len(".json")] for f in os.listdir(BAD) if f.endswith(".json"))
assert len(names) >= 45, names
for i, name in enumerate(names):
    tap.add("bad-models/" + name, check, name, i)

sys.exit(tap.run())
