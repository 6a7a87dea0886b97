#!/usr/bin/env python3
"""render --batch: one PDF page per sentence (counted with pdfinfo, and with
/Type /Page in the file; each page the size of the same sentence rendered
alone), one file per sentence in a folder named by its line's number, the
same drawing as a single render with the same options, blank lines skipped,
and the errors (a sentence that fails, an unwritable folder, wrong
combinations), each in one line with nothing written. Output: TAP."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_common import EN_ZH, TINY, TRANSFORMER, cli, finish, test, expect_failure as common_expect_failure  # noqa: E402


def render(*args):
    rc, out, err = cli("render", *args)
    assert rc == 0, f"render {args}: exit {rc}: {err}"
    assert err == "" and out == "", f"output: {out!r} {err!r}"


def expect_failure(args, message, code=1):
    common_expect_failure(args, message, code)


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


# lines 1, 3 and 4 are sentences of different lengths; 2 and 5 are blank
SENTENCES = "i am hungry .\n\nwhere is the station ?\ntom is a good teacher .\n   \n"
NUMBERS = [1, 3, 4]
TEXTS = ["i am hungry .", "where is the station ?", "tom is a good teacher ."]


def pdf_pages(path):
    """The page count and the size of each page, by pdfinfo (poppler-utils)."""
    if shutil.which("pdfinfo") is None:
        raise AssertionError("pdfinfo (poppler-utils) is needed")
    p = subprocess.run(["pdfinfo", "-f", "1", "-l", "1000", path], capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr
    text = p.stdout.decode("utf-8", "replace")
    pages = int(re.search(r"^Pages:\s+(\d+)", text, re.M).group(1))
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", text, re.M)
    if not sizes:
        sizes = re.findall(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", text, re.M)
    return pages, [(float(w), float(h)) for w, h in sizes]


def page_objects(path):
    """The pages counted in the file itself: /Type /Page objects, not /Pages."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", open(path, "rb").read()))


def same_svg(a, b):
    # cairo numbers its surfaces over the process: only the ids differ
    norm = lambda p: re.sub(rb"surface\d+", b"surface", open(p, "rb").read())
    return norm(a) == norm(b)


@test
def a_pdf_has_one_page_per_sentence_each_its_own_size():
    with tempfile.TemporaryDirectory() as d:
        sentences = write(d, "sentences.txt", SENTENCES)
        pdf = os.path.join(d, "figures.pdf")
        render(EN_ZH, "--batch", sentences, "-o", pdf)
        pages, sizes = pdf_pages(pdf)
        assert pages == 3, f"{pages} pages"
        assert page_objects(pdf) == 3, page_objects(pdf)
        assert len(set(sizes)) == 3, f"the pages should differ in size: {sizes}"
        for k, text in enumerate(TEXTS):
            one = os.path.join(d, f"one{k}.pdf")
            render(EN_ZH, text, "-o", one)
            assert pdf_pages(one) == (1, [sizes[k]]), (text, pdf_pages(one), sizes[k])
        # the options of a single render apply to every page
        wide = os.path.join(d, "wide.pdf")
        render(EN_ZH, "--batch", sentences, "-o", wide, "--width", "700", "--height", "400")
        assert pdf_pages(wide) == (3, [(700.0, 400.0)] * 3), pdf_pages(wide)


@test
def a_folder_gets_one_file_per_sentence_named_by_its_line():
    with tempfile.TemporaryDirectory() as d:
        sentences = write(d, "sentences.txt", SENTENCES)
        folder = os.path.join(d, "figures") + "/"
        render(TRANSFORMER, "--batch", sentences, "-o", folder, "--colormap", "magma", "--color-scale", "row", "--step", "2",
               "--kind", "decoder-self", "--head", "1")
        assert sorted(os.listdir(folder)) == [f"{n:04d}.svg" for n in NUMBERS], os.listdir(folder)
        for n, text in zip(NUMBERS, TEXTS):
            one = os.path.join(d, "one.svg")
            render(TRANSFORMER, text, "-o", one, "--colormap", "magma", "--color-scale", "row", "--step", "2",
                   "--kind", "decoder-self", "--head", "1")
            assert same_svg(os.path.join(folder, f"{n:04d}.svg"), one), f"line {n} differs from its single render"
        # --format png, with the PNG options; an existing folder needs no slash
        render(EN_ZH, "--batch", sentences, "-o", folder.rstrip("/"), "--format", "png", "--scale", "2")
        pngs = sorted(f for f in os.listdir(folder) if f.endswith(".png"))
        assert pngs == [f"{n:04d}.png" for n in NUMBERS], pngs
        for name in pngs:
            assert open(os.path.join(folder, name), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
        render(EN_ZH, "--batch", sentences, "-o", folder, "--format", "pdf")
        assert pdf_pages(os.path.join(folder, "0004.pdf"))[0] == 1


@test
def errors_are_one_line_and_write_nothing():
    with tempfile.TemporaryDirectory() as d:
        sentences = write(d, "sentences.txt", SENTENCES)
        pdf = os.path.join(d, "figures.pdf")
        # a sentence that cannot be decoded names its line; nothing is written
        bad = write(d, "bad.txt", "hello\n\n\t \nzzzz qqqq\n")
        expect_failure(["render", TINY, "--batch", write(d, "tiny.txt", "hello\n\n!!!\n"), "-o", pdf, "--step", "3"],
                       "tiny.txt:1: --step 3 is past the last step")
        assert not os.path.exists(pdf)
        rc, out, err = cli("render", TINY, "--batch", bad, "-o", pdf)
        # blank lines of spaces and tabs are skipped; unknown words decode (tiny-hello has <unk>)
        assert rc == 0, err
        assert pdf_pages(pdf)[0] == 2
        os.remove(pdf)
        expect_failure(["render", EN_ZH, "--batch", write(d, "blank.txt", "\n  \n\t\n"), "-o", pdf],
                       "blank.txt: no sentence to draw")
        expect_failure(["render", EN_ZH, "--batch", write(d, "empty.txt", ""), "-o", pdf], "empty.txt: no sentence")
        assert not os.path.exists(pdf)
        expect_failure(["render", EN_ZH, "--batch", os.path.join(d, "missing.txt"), "-o", pdf], "missing.txt")
        # an unwritable folder: a path through a plain file
        plain = write(d, "plain", "x")
        expect_failure(["render", EN_ZH, "--batch", sentences, "-o", plain + "/figures/"],
                       "Could not make the folder")
        expect_failure(["render", EN_ZH, "--batch", sentences, "-o", plain + "/figures.pdf"], "Could not write")
        # wrong combinations are usage errors
        expect_failure(["render", EN_ZH, "--batch", sentences, "-o", os.path.join(d, "x.svg")],
                       "--batch writes one PDF", 2)
        expect_failure(["render", EN_ZH, "--batch", sentences, "-o", d + "/", "--format", "gif"],
                       "--format must be svg, png or pdf")
        expect_failure(["render", EN_ZH, "--batch", sentences, "-o", d + "/", "--scale", "2"],
                       "--scale and --dpi are for PNG files", 2)
        expect_failure(["render", EN_ZH, "--batch", sentences, "-o", pdf, "--format", "png"],
                       "--format is for --batch -o FOLDER/", 2)
        expect_failure(["render", EN_ZH, "--batch", sentences, "-o", pdf, "--target", "我"],
                       "--target is for one sentence", 2)
        assert sorted(os.listdir(d)) == sorted(["sentences.txt", "bad.txt", "tiny.txt", "blank.txt", "empty.txt", "plain"]), os.listdir(d)


finish()
