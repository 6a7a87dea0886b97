#!/usr/bin/env python3
"""attnscope-cli align: Pharaoh lines against a hand-checked example (the
attention of tiny-hello's forced targets, read from translate --json), the
arg-max and the threshold against the --json attention of the bundled model
(words only: no start or end token, no end step), precision, recall and AER
on a hand-made gold file against values computed by hand, and the errors:
one line naming file:line, nothing on stdout, nothing written. Output: TAP."""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_common import EN_ZH, TINY, TRANSFORMER, cli, finish, test, expect_failure as common_expect_failure  # noqa: E402


def align(*args):
    rc, out, err = cli("align", *args)
    assert rc == 0, f"align {args}: exit {rc}: {err}"
    assert err == "", f"stderr: {err!r}"
    return out


def expect_failure(args, message, code=1):
    common_expect_failure(args, message, code)


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


# tiny-hello's pairs. Their cross-attention (translate tiny-hello SOURCE
# --target TARGET --json), rows the target words, columns the source words
# (the EOS column and the EOS step left out):
#   hello world / bonjour monde:  bonjour: hello 0.9996, world 0.0002
#                                 monde:   hello 0.9996, world 0.0002
#   hello / bonjour:              bonjour: hello 0.5101 (the only word; EOS's 0.4899 left out)
#   world ! / monde !:            monde:   world 0.0076, ! 0.9832
#                                 !:       world 0.0125, ! 0.9757
# so by arg-max (source-target): "0-0 0-1", "0-0", "1-0 1-1".
TINY_PAIRS = "hello world\tbonjour monde\nhello\tbonjour\nworld !\tmonde !\n"
TINY_ALIGNED = ["0-0 0-1", "0-0", "1-0 1-1"]

# The gold standard, by hand: hello-bonjour and world-monde sure, "!"-"!"
# sure, "!"-monde possible.
#   pair 1: S = {0-0, 1-1};  A = {0-0, 0-1}: A∩S = 1, A∩P = 1
#   pair 2: S = {0-0};       A = {0-0}:      A∩S = 1, A∩P = 1
#   pair 3: S = {0-0, 1-1}, P adds 1?0; A = {1-0, 1-1}: A∩S = 1, A∩P = 2
# Summed: |A| = 5, |S| = 5, |A∩S| = 3, |A∩P| = 4:
#   precision = 4/5 = 0.8, recall = 3/5 = 0.6, AER = 1 - (3 + 4)/(5 + 5) = 0.3
TINY_GOLD = "0-0 1-1\n0-0\n0-0 1?0 1-1\n"


@test
def pharaoh_lines_match_the_hand_checked_example():
    with tempfile.TemporaryDirectory() as d:
        pairs = write(d, "pairs.tsv", TINY_PAIRS)
        out = align(TINY, pairs)
        assert out.splitlines() == TINY_ALIGNED, out
        # the same through -o, stdout then empty
        path = os.path.join(d, "out.txt")
        assert align(TINY, pairs, "-o", path) == ""
        assert open(path, encoding="utf-8").read().splitlines() == TINY_ALIGNED


@test
def the_attention_hand_checked_from_translate_json():
    # the example above, read again from --json, so that a change of the
    # model shows here rather than as a wrong expectation
    for line, expected in zip(TINY_PAIRS.splitlines(), TINY_ALIGNED):
        source, target = line.split("\t")
        rc, out, err = cli("translate", TINY, source, "--target", target, "--json")
        assert rc == 0, err
        data = json.loads(out)
        assert data["source_tokens"][-1] == "EOS" and data["target_tokens"][-1] == "EOS"
        links = []
        for j, row in enumerate(data["attention"][:-1]):
            words = row[:-1]
            links.append((words.index(max(words)), j))
        assert " ".join(f"{i}-{j}" for i, j in sorted(links)) == expected, (line, links)


def words_matrix(model, source, target, layer=None, head=None):
    """The --json attention between the words: the start and end tokens and
    the end step left out."""
    args = ["translate", model, source, "--target", target, "--json"]
    if layer is not None:
        args += ["--layer", str(layer), "--head", str(head)]
    rc, out, err = cli(*args)
    assert rc == 0, err
    data = json.loads(out)
    tokens = data["source_tokens"]
    first = 1 if tokens[0] in ("<bos>", "SOS", "<s>") else 0
    last = len(tokens) - 1 if tokens[-1] in ("<eos>", "EOS", "</s>") else len(tokens)
    rows = data["attention"]
    if data["target_tokens"] and data["target_tokens"][-1] in ("<eos>", "EOS", "</s>"):
        rows = rows[:-1]
    return [row[first:last] for row in rows], tokens[first:last], data["target_tokens"][:len(rows)]


def expected_links(matrix, threshold=None):
    links = []
    for j, row in enumerate(matrix):
        if threshold is None:
            links.append((row.index(max(row)), j))
        else:
            links += [(i, j) for i, w in enumerate(row) if w >= threshold]
    return " ".join(f"{i}-{j}" for i, j in sorted(links))


PAIRS = [("i am hungry .", "我饿了。"), ("tom is a good teacher .", "汤姆是个好老师。"), ("where is the station ?", "车站在哪里？")]


@test
def argmax_and_threshold_follow_the_attention_of_the_words():
    with tempfile.TemporaryDirectory() as d:
        pairs = write(d, "pairs.tsv", "".join(f"{s}\t{t}\n" for s, t in PAIRS))
        for model, extra, layer_head in ((EN_ZH, [], (None, None)),
                                         (TRANSFORMER, ["--layer", "0", "--head", "1"], (0, 1))):
            argmax = align(model, pairs, *extra).splitlines()
            at_02 = align(model, pairs, *extra, "--threshold", "0.2").splitlines()
            assert len(argmax) == len(PAIRS) and len(at_02) == len(PAIRS)
            for (s, t), a, b in zip(PAIRS, argmax, at_02):
                matrix, src, tgt = words_matrix(model, s, t, *layer_head)
                # positions count the model's tokens: English words, Chinese characters
                assert len(src) == len(s.split()), (src, s)
                assert len(tgt) == len(t), (tgt, t)
                assert a == expected_links(matrix), (model, s, a, matrix)
                assert b == expected_links(matrix, 0.2), (model, s, b, matrix)
            # links are sorted by source position, then target position
            for line in argmax:
                pairs_ = [tuple(map(int, link.split("-"))) for link in line.split()]
                assert pairs_ == sorted(pairs_), line


@test
def aer_against_the_hand_made_gold_file():
    with tempfile.TemporaryDirectory() as d:
        pairs = write(d, "pairs.tsv", TINY_PAIRS)
        gold = write(d, "gold.txt", TINY_GOLD)
        out = align(TINY, pairs, "--gold", gold)
        assert out.splitlines() == ["precision: 0.8000", "recall: 0.6000", "AER: 0.3000"], out
        # a perfect alignment of the sure links: the gold made from the output
        perfect = write(d, "perfect.txt", "\n".join(TINY_ALIGNED) + "\n")
        out = align(TINY, pairs, "--gold", perfect)
        assert out.splitlines() == ["precision: 1.0000", "recall: 1.0000", "AER: 0.0000"], out
        # possible links only: precision counts them, recall has nothing to count
        possible = write(d, "possible.txt", "0?0 0?1\n0?0\n1?0 1?1\n")
        out = align(TINY, pairs, "--gold", possible)
        assert out.splitlines()[0] == "precision: 1.0000", out
        assert out.splitlines()[1].startswith("recall: n/a"), out
        # -o keeps the alignments beside the scores
        path = os.path.join(d, "out.txt")
        out = align(TINY, pairs, "--gold", gold, "-o", path)
        assert out.splitlines()[-1] == "AER: 0.3000"
        assert open(path, encoding="utf-8").read().splitlines() == TINY_ALIGNED


@test
def bad_lines_are_refused_with_file_and_line():
    with tempfile.TemporaryDirectory() as d:
        pairs = write(d, "pairs.tsv", TINY_PAIRS)
        cases = [
            ("no-tab.tsv", "hello world\tbonjour monde\nhello bonjour\n", None, "no-tab.tsv:2: no tab"),
            ("empty.tsv", "hello\tbonjour\n\nworld\tmonde\n", None, "empty.tsv:2: the line is empty"),
            ("tabs.tsv", "hello\tbonjour\tmonde\n", None, "tabs.tsv:1: more than one tab"),
            ("no-target.tsv", "hello\t  \n", None, "no-target.tsv:1: the target after the tab is empty"),
            ("no-source.tsv", "hello\tbonjour\n \tmonde\n", None, "no-source.tsv:2: the source"),
            ("nothing.tsv", "", None, "nothing.tsv: no pairs"),
        ]
        for name, text, gold, message in cases:
            expect_failure(["align", TINY, write(d, name, text)], message)
        gold_cases = [
            ("short.txt", "0-0\n0-0\n", "short.txt has 2 lines but"),
            ("bad-link.txt", "0-0\n0-0 x-1\n0-0\n", "bad-link.txt:2: link 2 “x-1” is not i-j"),
            ("range-source.txt", "0-0\n0-0\n0-0 2-1\n", "range-source.txt:3: link 2-1 is out of range: pair 3 has 2 source and 2 target"),
            ("range-target.txt", "0-0 1?2\n0-0\n0-0\n", "range-target.txt:1: link 1?2 is out of range"),
        ]
        for name, text, message in gold_cases:
            out_path = os.path.join(d, "out.txt")
            expect_failure(["align", TINY, pairs, "--gold", write(d, name, text), "-o", out_path], message)
            assert not os.path.exists(out_path), "a failed run wrote its output"
        expect_failure(["align", TINY, os.path.join(d, "missing.tsv")], "missing.tsv")
        expect_failure(["align", TINY, pairs, "--threshold", "1.5"], "--threshold must be a weight from 0 to 1")
        expect_failure(["align", TINY, pairs, "--threshold", "x"], "--threshold must be a weight from 0 to 1")
        expect_failure(["align", TRANSFORMER, pairs, "--kind", "encoder-self"], "align needs cross-attention")
        expect_failure(["align", TINY, pairs, "--head", "3"], "--head 3: this model's cross attention has 1 head")
        expect_failure(["align"], "expected [MODEL]", 2)


@test
def the_readme_example_scores_as_the_readme_says():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    pairs = os.path.join(root, "docs", "examples", "pairs.tsv")
    gold = os.path.join(root, "docs", "examples", "gold.txt")
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    for model, extra, row in ((EN_ZH, [], "| `en-zh-gru` (its one attention) |"),
                              (TRANSFORMER, ["--layer", "0"], "| `en-zh-transformer` layer 0, mean of heads |"),
                              (TRANSFORMER, ["--layer", "0", "--head", "1"], "| `en-zh-transformer` layer 0, head 1"),
                              (TRANSFORMER, ["--layer", "1"], "| `en-zh-transformer` layer 1, mean of heads |"),
                              (TRANSFORMER, ["--layer", "1", "--head", "2"], "| `en-zh-transformer` layer 1, head 2")):
        scores = [line.split(": ")[1] for line in align(model, pairs, "--gold", gold, *extra).splitlines()]
        line = next(l for l in readme.splitlines() if l.startswith(row))
        assert line.rstrip(" |").endswith(" | ".join(scores)), (line, scores)


@test
def the_default_model_and_help():
    with tempfile.TemporaryDirectory() as d:
        pairs = write(d, "pairs.tsv", "i am hungry .\t我饿了。\n")
        assert align(pairs) == align(EN_ZH, pairs)
    rc, out, err = cli("align", "--help")
    assert rc == 0 and "Pharaoh" in out and "without the start and end tokens" in out, out
    rc, out, err = cli("--help")
    assert "attnscope-cli align [MODEL] PAIRS" in out, out


finish()
