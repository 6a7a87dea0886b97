#!/usr/bin/env python3
"""The command line's behaviour: info, translate (text and --json), render,
and its handling of bad arguments. Uses the hand-written tiny-hello model, so
that it also runs quickly under valgrind (ATTNSCOPE_CLI_WRAPPER). Output: TAP."""

import json
import math
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_common import CLI, TINY, WRAPPER, TINY_TF, cli, expect_failure, finish, test  # noqa: E402


def translate_json(*args):
    rc, out, err = cli("translate", TINY, *args, "--json")
    assert rc == 0, f"exit {rc}: {err}"
    assert err == "", f"stderr: {err!r}"
    return json.loads(out)


@test
def info_describes_the_model():
    rc, out, err = cli("info", TINY)
    assert rc == 0, err
    assert "name: tiny-hello" in out, out
    assert "architecture: gru-bahdanau" in out, out
    assert "hidden size: 4" in out, out
    assert "parameters: 411" in out, out
    assert "source vocabulary: 6 tokens" in out, out
    assert "license: CC0-1.0" in out, out


@test
def json_has_entropy_and_the_whole_hypothesis_score():
    # each step's entropy is -sum p ln p of its cross-attention row (the
    # last layer's mean over heads, as "attention" shows by default); the
    # translation's log-probability is the sum of its steps', its score
    # that per token, its perplexity e^-score
    for model in (TINY, TINY_TF):
        rc, out, err = cli("translate", model, "hello world !", "--json")
        assert rc == 0, err
        doc = json.loads(out)
        steps = doc["steps"]
        for t, step in enumerate(steps):
            row = doc["attention"][t]
            expected = -sum(p * math.log(p) for p in row if p > 0)
            assert abs(step["entropy"] - expected) < 1e-5, (model, t, step["entropy"], expected)
        total = sum(s["logprob"] for s in steps)
        assert abs(doc["logprob"] - total) < 1e-5, (doc["logprob"], total)
        assert abs(doc["score"] - total / len(steps)) < 1e-5, (doc["score"], total / len(steps))
        assert abs(doc["perplexity"] - math.exp(-total / len(steps))) < 1e-4, doc["perplexity"]


@test
def translate_prints_the_translation_first():
    rc, out, err = cli("translate", TINY, "Hello world!")
    assert rc == 0, err
    assert out.splitlines()[0] == "bonjour monde !", out
    assert "source: hello world ! EOS" in out, out


@test
def translate_json_has_the_documented_shape():
    r = translate_json("hello world !")
    assert r["architecture"] == "gru-bahdanau"
    assert r["source_tokens"] == ["hello", "world", "!", "EOS"], r["source_tokens"]
    assert r["target_tokens"] == ["bonjour", "monde", "!", "EOS"], r["target_tokens"]
    assert [s["input"] for s in r["steps"]] == ["SOS", "bonjour", "monde", "!"]
    assert [s["output"] for s in r["steps"]] == r["target_tokens"]
    assert len(r["attention"]) == len(r["steps"]) == 4
    for row in r["attention"]:
        assert len(row) == 4
        assert abs(sum(row) - 1) < 1e-5, row
    assert r["cross_attention"] == [[r["attention"]]]
    for s in r["steps"]:
        assert s["prob"] > 0.99, s
        assert len(s["top"]) == 5
        assert s["top"][0]["token"] == s["output"]
        probs = [t["prob"] for t in s["top"]]
        assert probs == sorted(probs, reverse=True)


@test
def top_option_sets_the_number_of_candidates():
    r = translate_json("hello", "--top", "2")
    assert all(len(s["top"]) == 2 for s in r["steps"])


@test
def forced_target_reports_the_probability_of_each_forced_token():
    r = translate_json("hello world !", "--target", "monde monde")
    assert r["target_tokens"] == ["monde", "monde", "EOS"], r["target_tokens"]
    assert r["steps"][0]["prob"] < 0.05, r["steps"][0]
    free = translate_json("hello world !")
    forced = translate_json("hello world !", "--target", "bonjour monde !")
    for a, b in zip(free["steps"], forced["steps"]):
        assert a["output"] == b["output"] and abs(a["prob"] - b["prob"]) < 1e-6


@test
def beam_search_is_at_least_as_probable_as_greedy():
    import math
    greedy = translate_json("world hello !")
    beam = translate_json("world hello !", "--beam", "4")
    lp = lambda r: sum(math.log(s["prob"]) for s in r["steps"])  # noqa: E731
    assert lp(beam) >= lp(greedy) - 1e-6, (lp(beam), lp(greedy))
    assert beam["target_tokens"][-1] == "EOS"


@test
def max_len_stops_the_decoder():
    r = translate_json("hello world !", "--max-len", "2")
    assert len(r["steps"]) == 2 and r["target_tokens"] == ["bonjour", "monde"]


@test
def unknown_words_map_to_the_unknown_token_and_are_listed():
    r = translate_json("hello zebra")
    assert r["source_tokens"] == ["hello", "<unk>", "EOS"], r["source_tokens"]
    assert r["unknown_words"] == ["zebra"]



@test
def bad_arguments_give_one_line_and_a_usage_exit():
    expect_failure(["frobnicate"], 'unknown command "frobnicate"', 2)
    expect_failure(["translate", TINY, "a", "b"], "expected [MODEL] SENTENCE", 2)
    expect_failure(["translate", TINY, "hello", "--beam", "0"], "--beam must be between 1 and 64", 2)
    expect_failure(["translate", TINY, "hello", "--top", "99"], "--top must be between 0 and 20", 2)
    expect_failure(["translate", TINY, "hello", "--nope"], "Unknown option --nope", 2)
    expect_failure(["render", TINY, "hello"], "render needs -o", 2)
    expect_failure(["render", TINY, "hello", "-o", "x.svg", "--colormap", "rainbow"], "--colormap must be", 2)


@test
def bad_inputs_give_one_clear_line():
    expect_failure(["translate", TINY, ""], "The sentence has no words to translate", 1)
    expect_failure(["translate", TINY, "   "], "The sentence has no words to translate", 1)
    expect_failure(["info", "/nonexistent/model.json"], "/nonexistent/model.json", 1)
    expect_failure(["info", os.path.dirname(TINY)], "is a folder, not a model file", 1)
    expect_failure(["translate", TINY, "hello", "--target", "  "], "The target translation has no tokens", 1)


@test
def kind_layer_and_head_choose_the_attention_shown():
    plain = translate_json("hello world !")
    # the GRU has one kind, one layer and one head: cross 0 0, and its mean, are the same matrix
    for extra in ([], ["--kind", "cross"], ["--layer", "0", "--head", "0"], ["--head", "mean"]):
        r = translate_json("hello world !", *extra)
        assert r["attention"] == plain["attention"], extra
        assert r["cross_attention"] == [[plain["attention"]]], extra
        assert "decoder_self_attention" not in r and "encoder_self_attention" not in r, sorted(r)
    rc, out, err = cli("translate", TINY, "hello world !", "--head", "mean")
    assert rc == 0 and err == "", err
    assert "   1  SOS -> bonjour   0.9970  hello (0.984)" in out, out
    for cmd in (["translate", TINY, "hello"], ["render", TINY, "hello", "-o", "never.svg"]):
        expect_failure(cmd + ["--kind", "decoder-self"],
                       "--kind decoder-self: this model (gru-bahdanau) has no decoder-self attention; "
                       "it has cross (1 layer, 1 head)", 1)
        expect_failure(cmd + ["--kind", "encoder-self"], "has no encoder-self attention", 1)
        expect_failure(cmd + ["--layer", "1"],
                       "--layer 1: this model's cross attention has 1 layer, numbered from 0", 1)
        expect_failure(cmd + ["--head", "1"],
                       "--head 1: this model's cross attention has 1 head, numbered from 0 (or mean)", 1)
        expect_failure(cmd + ["--kind", "self"], "--kind must be cross, decoder-self or encoder-self", 2)
        expect_failure(cmd + ["--head", "first"], "--head must be a head's number or mean", 2)
    assert not os.path.exists("never.svg")


@test
def text_output_escapes_control_characters():
    rc, out, err = cli("translate", TINY, "hello \x1b]0;pwned\x07 world")
    assert rc == 0, err
    assert "\x1b" not in out and "\x07" not in out, repr(out)
    assert "unknown words: \\u001B, ], 0, ;, pwned\\u0007" in out, out


@test
def invalid_utf8_on_the_command_line_is_refused():
    p = subprocess.run(WRAPPER + [CLI, "translate", TINY, b"hello \xff world"], capture_output=True, timeout=600)
    assert p.returncode == 1
    assert p.stderr.decode() == "attnscope-cli: the sentence is not valid UTF-8 (byte 7)\n", p.stderr


def png_size_and_pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@test
def render_writes_svg_png_and_pdf():
    with tempfile.TemporaryDirectory() as d:
        for ext, magic in (("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")):
            path = os.path.join(d, "figure." + ext)
            rc, out, err = cli("render", TINY, "hello world !", "-o", path)
            assert rc == 0, err
            assert open(path, "rb").read(len(magic)) == magic, ext
        svg = open(os.path.join(d, "figure.svg"), encoding="utf-8").read()
        import xml.dom.minidom
        xml.dom.minidom.parseString(svg)
        w, h = png_size_and_pixels(os.path.join(d, "figure.png"))
        assert w > 100 and h > 100, (w, h)
        assert sorted(os.listdir(d)) == ["figure.pdf", "figure.png", "figure.svg"], os.listdir(d)


@test
def render_failures_leave_existing_files_alone():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "figure.svg")
        with open(path, "w") as f:
            f.write("precious")
        expect_failure(["render", TINY, "hello", "-o", os.path.join(d, "figure.bmp")], "figure.bmp", 1)
        expect_failure(["render", TINY, "hello", "-o", os.path.join(d, "missing", "f.svg")], "f.svg", 1)
        expect_failure(["render", TINY, "", "-o", path], "no words", 1)
        assert open(path).read() == "precious"
        assert os.listdir(d) == ["figure.svg"], os.listdir(d)


@test
def render_step_past_the_end_is_refused():
    with tempfile.TemporaryDirectory() as d:
        expect_failure(["render", TINY, "hello", "--step", "40", "-o", os.path.join(d, "a.svg")],
                       "--step 40 is past the last step", 2)
        assert os.listdir(d) == []


@test
def steps_are_counted_from_1_as_in_the_window():
    rc, out, err = cli("translate", TINY, "hello world !")
    assert rc == 0, err
    r = translate_json("hello world !")
    table = out[out.index("step  input -> output"):].splitlines()[1:]
    rows = [line for line in table if line.strip()]
    assert len(rows) == len(r["steps"]), rows
    numbers = [int(line.split()[0]) for line in rows]
    assert numbers == list(range(1, len(r["steps"]) + 1)), numbers
    assert rows[0].split()[1] == r["steps"][0]["input"], rows[0]


@test
def render_step_is_counted_from_1():
    n = len(translate_json("hello world !")["steps"])
    with tempfile.TemporaryDirectory() as d:
        files = {}
        for step in (1, 2, n):
            files[step] = os.path.join(d, f"s{step}.svg")
            rc, out, err = cli("render", TINY, "hello world !", "--step", str(step), "-o", files[step])
            assert rc == 0, f"--step {step}: {err}"
        rc, out, err = cli("render", TINY, "hello world !", "-o", os.path.join(d, "all.svg"))
        assert rc == 0, err
        data = {k: open(v, "rb").read() for k, v in files.items()}
        # the first step is 1 and differs from the second; the last one (n) is accepted
        assert data[1] != data[2]
        assert data[n] != open(os.path.join(d, "all.svg"), "rb").read() or n == 1
        expect_failure(["render", TINY, "hello world !", "--step", "0", "-o", os.path.join(d, "z.svg")],
                       "--step 0: steps are counted from 1", 2)
        expect_failure(["render", TINY, "hello world !", "--step", str(n + 1), "-o", os.path.join(d, "z.svg")],
                       f"--step {n + 1} is past the last step ({n})", 2)
        assert not os.path.exists(os.path.join(d, "z.svg"))


@test
def each_command_help_names_the_command_and_says_what_it_does():
    summaries = {
        "info": "Describe a model",
        "translate": "Translate SENTENCE and print the translation",
        "render": "Translate SENTENCE and draw its attention",
    }
    for command, summary in summaries.items():
        rc, out, err = cli(command, "--help")
        assert rc == 0, f"{command} --help: exit {rc}: {err}"
        assert f"attnscope-cli {command} [OPTION" in out, f"{command} --help: {out[:200]!r}"
        assert summary in out, f"{command} --help does not say {summary!r}: {out[:400]!r}"
        for other, other_summary in summaries.items():
            if other != command:
                assert other_summary not in out, f"{command} --help says {other}'s {other_summary!r}"
        assert "Examples:" in out, f"{command} --help has no examples"


@test
def max_len_0_is_refused():
    expect_failure(["translate", TINY, "hello", "--max-len", "0"], "--max-len 0: the translation's length must be between 1", 2)
    expect_failure(["translate", TINY, "hello", "--max-len", "-3"], "--max-len -3", 2)
    r = translate_json("hello world !", "--max-len", "1")
    assert len(r["steps"]) == 1, r["steps"]


@test
def a_missing_model_file_is_named_plainly():
    with tempfile.TemporaryDirectory() as d:
        missing = os.path.join(d, "en-zh.json")
        for command in (["info", missing], ["translate", missing, "hello"]):
            rc, out, err = cli(*command)
            assert rc == 1, f"exit {rc} for {command}"
            assert err == f"attnscope-cli: {missing}: no such file\n", repr(err)
        rc, out, err = cli("info", "en-zh-typo")
        assert rc == 1 and "en-zh-typo: no such file, nor a bundled model" in err and "info --list" in err, repr(err)


def shape(value):
    """The shape of nested lists, or None when rows differ in length."""
    if not isinstance(value, list):
        return ()
    shapes = {shape(v) for v in value}
    if len(shapes) > 1 or None in shapes:
        return None
    return (len(value),) + (shapes.pop() if shapes else ())


@test
def transformer_json_has_every_kind_layer_and_head():
    rc, out, err = cli("translate", TINY_TF, "hello world !", "--target", "bonjour monde", "--json")
    assert rc == 0 and err == "", err
    r = json.loads(out)
    assert r["architecture"] == "transformer"
    assert r["source_tokens"] == ["<bos>", "hello", "world", "!", "<eos>"], r["source_tokens"]
    assert [s["output"] for s in r["steps"]] == ["bonjour", "monde", "<eos>"]
    assert shape(r["cross_attention"]) == (2, 2, 3, 5), shape(r["cross_attention"])
    assert shape(r["encoder_self_attention"]) == (2, 2, 5, 5), shape(r["encoder_self_attention"])
    assert shape(r["decoder_self_attention"]) == (2, 2, 3, 3), shape(r["decoder_self_attention"])
    for layer in r["decoder_self_attention"]:
        for head in layer:
            for t, row in enumerate(head):
                assert all(v == 0 for v in row[t + 1:]), row
                assert abs(sum(row) - 1) < 1e-5, row
    # "attention": the mean over heads of the last decoder layer's cross-attention
    last = r["cross_attention"][-1]
    mean = [[(a + b) / 2 for a, b in zip(ra, rb)] for ra, rb in zip(last[0], last[1])]
    assert shape(r["attention"]) == (3, 5)
    assert max(abs(a - b) for ra, rb in zip(mean, r["attention"]) for a, b in zip(ra, rb)) < 1e-6
    # a layer and a head chosen
    rc, out, err = cli("translate", TINY_TF, "hello world !", "--target", "bonjour monde", "--json",
                       "--kind", "encoder-self", "--layer", "0", "--head", "1")
    assert rc == 0, err
    assert json.loads(out)["attention"] == r["encoder_self_attention"][0][1]
    expect_failure(["translate", TINY_TF, "hello", "--layer", "2"],
                   "--layer 2: this model's cross attention has 2 layers, numbered from 0", 1)
    expect_failure(["translate", TINY_TF, "hello", "--kind", "decoder-self", "--head", "2"],
                   "--head 2: this model's decoder-self attention has 2 heads, numbered from 0 (or mean)", 1)


@test
def bundled_models_are_listed_and_named():
    rc, out, err = cli("info", "--list")
    assert rc == 0 and err == "", err
    names = [line.split()[0] for line in out.splitlines()]
    assert "tiny-hello" in names and "tiny-transformer" in names, out
    assert names == sorted(names), names
    line = next(line for line in out.splitlines() if line.startswith("tiny-transformer "))
    assert " transformer " in line and "RANDOM" in line, line
    rc, out, err = cli("info", "tiny-transformer")
    assert rc == 0, err
    assert "architecture: transformer" in out and "layers: 2 encoder, 2 decoder" in out, out
    assert "heads: 2 (4 wide each)" in out and "model width (d_model): 8" in out, out
    assert "feed-forward size: 16" in out and "options: post-norm, relu, layer_norm_eps 1e-05" in out, out
    rc, a, err = cli("translate", "tiny-transformer", "hello world !", "--json")
    assert rc == 0, err
    rc, b, err = cli("translate", TINY_TF, "hello world !", "--json")
    assert a == b
    expect_failure(["info", "no-such-model"], "no-such-model: no such file, nor a bundled model of that name", 1)
    expect_failure(["info", "--list", "tiny-hello"], "info --list takes no MODEL", 2)


@test
def render_grid_draws_every_layer_and_head():
    with tempfile.TemporaryDirectory() as d:
        one = os.path.join(d, "one.png")
        grid = os.path.join(d, "grid.png")
        rc, out, err = cli("render", TINY_TF, "hello world !", "-o", one)
        assert rc == 0, err
        rc, out, err = cli("render", TINY_TF, "hello world !", "--grid", "--kind", "encoder-self", "-o", grid)
        assert rc == 0, err
        w1, h1 = png_size_and_pixels(one)
        w2, h2 = png_size_and_pixels(grid)
        # four panels (2 layers x 2 heads) of 5 x 5 cells each: taller than one 3-step matrix
        assert (w2, h2) != (w1, h1) and h2 > h1, ((w1, h1), (w2, h2))
        assert open(one, "rb").read() != open(grid, "rb").read()
        expect_failure(["render", TINY_TF, "hello", "--kind", "encoder-self", "--step", "1", "-o", os.path.join(d, "s.svg")],
                       "--step shows the figure at a decoder step", 2)
        assert sorted(os.listdir(d)) == ["grid.png", "one.png"]


finish()
