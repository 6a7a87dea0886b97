#!/usr/bin/env python3
"""render's files fit for paper: the PNG scale (--scale, --dpi) and the size
to lay out at (--width, --height), checked by the PNG's own header; bad values
refused in one line, leaving files alone; the background (light by default,
dark, transparent); SVG text as <text> naming the font, parsed as XML and
rendered by rsvg-convert; the language of the text in the SVG (xml:lang) and
in the PDF's fonts (Simplified Chinese, not Japanese). Output: TAP.

The pixel comparisons (the export against the screen's drawing, 2x against
1x, text against outlines) are in tests/gui/test-export.c."""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.dom.minidom
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_common import EN_ZH, TINY, cli, expect_failure, finish, test  # noqa: E402


def render(*args):
    rc, out, err = cli("render", *args)
    assert rc == 0, f"render {args}: exit {rc}: {err}"
    assert err == "", f"stderr: {err!r}"



def png_chunks(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    at, chunks = 8, []
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        body = data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"{path}: bad CRC in {kind!r}"
        chunks.append((kind, body))
        at += 12 + length
    return chunks


def png_size(path):
    kind, body = png_chunks(path)[0]
    assert kind == b"IHDR"
    return struct.unpack(">II", body[:8])


def png_dpi(path):
    for kind, body in png_chunks(path):
        if kind == b"pHYs":
            x, y, unit = struct.unpack(">IIB", body)
            assert unit == 1 and x == y, (x, y, unit)
            return x * 0.0254
    return None


def png_first_pixel(path):
    """The top left pixel as (r, g, b, a): the first pixel of the first row
    is its raw bytes whatever the row's filter (the row above and the pixel
    to the left are zero)."""
    chunks = png_chunks(path)
    header = chunks[0][1]
    depth, colour = header[8], header[9]
    assert depth == 8 and colour in (2, 6), (depth, colour)
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    if colour == 2:
        return raw[1], raw[2], raw[3], 255
    return raw[1], raw[2], raw[3], raw[4]


@test
def png_scale_and_dpi_set_the_pixel_size():
    with tempfile.TemporaryDirectory() as d:
        one, two, dpi, half = (os.path.join(d, n) for n in ("one.png", "two.png", "dpi.png", "half.png"))
        render(TINY, "hello world !", "-o", one)
        render(TINY, "hello world !", "-o", two, "--scale", "2")
        render(TINY, "hello world !", "-o", dpi, "--dpi", "300")
        render(TINY, "hello world !", "-o", half, "--scale", "0.5")
        w, h = png_size(one)
        assert w > 100 and h > 100, (w, h)
        assert png_size(two) == (2 * w, 2 * h), (png_size(two), w, h)
        # 300 dpi: a unit of the figure is 1/96 inch, so 300 / 96 = 3.125 pixels each
        assert png_size(dpi) == (-(-w * 3125 // 1000), -(-h * 3125 // 1000)), (png_size(dpi), w, h)
        assert png_size(half) == (-(-w // 2), -(-h // 2)), (png_size(half), w, h)
        # and the file says its resolution, for word processors
        assert abs(png_dpi(one) - 96) < 0.1, png_dpi(one)
        assert abs(png_dpi(two) - 192) < 0.1, png_dpi(two)
        assert abs(png_dpi(dpi) - 300) < 0.1, png_dpi(dpi)


@test
def width_and_height_set_the_layout_size():
    with tempfile.TemporaryDirectory() as d:
        a, b, c = (os.path.join(d, n) for n in ("a.png", "b.png", "c.png"))
        render(TINY, "hello world !", "-o", a, "--width", "640", "--height", "420")
        assert png_size(a) == (640, 420), png_size(a)
        render(TINY, "hello world !", "-o", b, "--width", "640", "--height", "420", "--scale", "2")
        assert png_size(b) == (1280, 840), png_size(b)
        # one of them: the other is the natural size's
        render(TINY, "hello world !", "-o", c, "--width", "700")
        natural = os.path.join(d, "n.png")
        render(TINY, "hello world !", "-o", natural)
        assert png_size(c) == (700, png_size(natural)[1]), (png_size(c), png_size(natural))
        # the SVG is laid out at the size asked
        svg_large = os.path.join(d, "l.svg")
        render(TINY, "hello world !", "-o", svg_large, "--width", "900", "--height", "700")
        assert 'width="900' in open(svg_large).read(), "the SVG is not 900 wide"


@test
def bad_scales_and_sizes_are_refused_in_one_line():
    with tempfile.TemporaryDirectory() as d:
        keep = os.path.join(d, "keep.png")
        with open(keep, "wb") as f:
            f.write(b"KEEP")
        for value in ("0", "-1", "-0.5", "100", "abc", "nan", "inf", "", "2x"):
            expect_failure(["render", TINY, "hello", "-o", keep, "--scale", value], "--scale must be a number from 0.25 to 10", 2)
        for value in ("0", "-300", "100000", "300dpi"):
            expect_failure(["render", TINY, "hello", "-o", keep, "--dpi", value], "--dpi must be a number from 24 to 960", 2)
        expect_failure(["render", TINY, "hello", "-o", keep, "--scale", "2", "--dpi", "300"],
                       "--scale and --dpi cannot be used together", 2)
        for option in ("--width", "--height"):
            for value in ("0", "-5", "100000"):
                expect_failure(["render", TINY, "hello", "-o", keep, option, value], f"{option} must be from 1 to 16384", 2)
        expect_failure(["render", TINY, "hello", "-o", keep, "--background", "pink"],
                       "--background must be light, dark or transparent", 2)
        expect_failure(["render", TINY, "hello", "-o", os.path.join(d, "a.svg"), "--scale", "2"],
                       "--scale and --dpi are for PNG files", 2)
        expect_failure(["render", TINY, "hello", "-o", os.path.join(d, "a.pdf"), "--dpi", "300"],
                       "--scale and --dpi are for PNG files", 2)
        expect_failure(["render", TINY, "hello", "-o", keep, "--svg-text"], "--svg-text is for SVG files", 2)
        # within each range, too large together: refused by the export, naming the file
        expect_failure(["render", TINY, "hello", "-o", keep, "--width", "16000", "--scale", "4"], "too large", 1)
        assert open(keep, "rb").read() == b"KEEP"
        assert sorted(os.listdir(d)) == ["keep.png"], os.listdir(d)


@test
def exports_are_light_by_default_dark_or_transparent_on_request():
    with tempfile.TemporaryDirectory() as d:
        paths = {name: os.path.join(d, name + ".png") for name in ("default", "light", "dark", "transparent")}
        render(TINY, "hello world !", "-o", paths["default"])
        for name in ("light", "dark", "transparent"):
            render(TINY, "hello world !", "-o", paths[name], "--background", name)
        assert png_first_pixel(paths["default"]) == (255, 255, 255, 255), png_first_pixel(paths["default"])
        assert png_first_pixel(paths["light"]) == (255, 255, 255, 255), png_first_pixel(paths["light"])
        r, g, b, a = png_first_pixel(paths["dark"])
        assert a == 255 and max(r, g, b) < 60, (r, g, b, a)
        assert png_first_pixel(paths["transparent"])[3] == 0, png_first_pixel(paths["transparent"])
        # the same background at 300 dpi, to the last (partly covered) pixel
        dpi = os.path.join(d, "dpi.png")
        render(TINY, "hello world !", "-o", dpi, "--dpi", "300")
        assert png_chunks(dpi)[0][1][9] == 2, "an opaque figure at 300 dpi has an alpha channel"


def text_elements(svg):
    document = xml.dom.minidom.parseString(svg)
    found = []
    for element in document.getElementsByTagName("text"):
        found.append(("".join(n.data for n in element.childNodes if n.nodeType == n.TEXT_NODE),
                      {k: v for k, v in element.attributes.items()}))
    return found


@test
def svg_text_is_searchable_text_naming_its_font():
    with tempfile.TemporaryDirectory() as d:
        outlined, text = os.path.join(d, "outlined.svg"), os.path.join(d, "text.svg")
        render(EN_ZH, "i am hungry", "-o", outlined)
        render(EN_ZH, "i am hungry", "-o", text, "--svg-text")
        assert text_elements(open(outlined, encoding="utf-8").read()) == [], "outlines are the default"
        elements = text_elements(open(text, encoding="utf-8").read())
        strings = [s.strip() for s, _ in elements]
        for token in ("hungry", "am", "我", "饿", "EOS", "SOS"):
            assert token in strings, f"{token!r} is not a <text> of its own: {strings}"
        assert any("我饿" in s for s in strings), f"the title's translation is not text: {strings}"
        for s, attributes in elements:
            assert "font-family" in attributes and "font-size" in attributes and "fill" in attributes, attributes
            assert attributes["font-family"].endswith("sans-serif"), attributes
        # turned column labels keep their rotation (a sentence long enough
        # for its labels not to fit flat in their columns)
        long_svg = os.path.join(d, "long.svg")
        render(EN_ZH, "i am hungry and i want to eat something right now please", "-o", long_svg, "--svg-text")
        hungry = [a for s, a in text_elements(open(long_svg, encoding="utf-8").read()) if s.strip() == "hungry"][0]
        assert hungry.get("transform", "").startswith("matrix(0"), hungry
        # an escaped token stays text
        amp = os.path.join(d, "amp.svg")
        render(TINY, "hello <&> world", "-o", amp, "--svg-text")
        assert text_elements(open(amp, encoding="utf-8").read()) != []
        if shutil.which("rsvg-convert") is None:
            raise AssertionError("rsvg-convert (librsvg2-bin) is needed")
        png = os.path.join(d, "text.png")
        p = subprocess.run(["rsvg-convert", "--format=png", "--output", png, text], capture_output=True, timeout=120)
        assert p.returncode == 0, p.stderr
        natural = os.path.join(d, "natural.png")
        render(EN_ZH, "i am hungry", "-o", natural)
        assert png_size(png) == png_size(natural), (png_size(png), png_size(natural))


@test
def chinese_is_marked_and_drawn_as_simplified_chinese():
    with tempfile.TemporaryDirectory() as d:
        svg, pdf = os.path.join(d, "f.svg"), os.path.join(d, "f.pdf")
        render(EN_ZH, "i am hungry", "-o", svg, "--svg-text")
        languages = {s.strip(): a.get("xml:lang") for s, a in text_elements(open(svg, encoding="utf-8").read())}
        assert languages.get("饿") == "zh-CN", languages
        assert languages.get("hungry") == "en", languages
        render(EN_ZH, "i am hungry", "-o", pdf)
        if shutil.which("pdffonts") is None:
            raise AssertionError("pdffonts (poppler-utils) is needed")
        p = subprocess.run(["pdffonts", pdf], capture_output=True, timeout=120)
        assert p.returncode == 0, p.stderr
        fonts = p.stdout.decode("utf-8", "replace")
        cjk = [line.split()[0] for line in fonts.splitlines() if "CJK" in line]
        assert cjk, f"no CJK font embedded:\n{fonts}"
        assert all("CJKsc" in name or "SC" in name.split("+")[-1] for name in cjk), f"not Simplified Chinese:\n{fonts}"
        assert not any("CJKjp" in name or "JP" in name for name in cjk), f"a Japanese font:\n{fonts}"


TOP_COLOUR = "rgb(99.215686%,90.588235%,14.509804%)"  # viridis at 1 (253, 231, 37), as cairo writes a fill


@test
def color_scale_sets_the_cells_and_the_colour_bar():
    """--color-scale one|max|row|log: the colour bar's tick labels and caption
    say the scale, and the cells follow it (per row, every row has its
    largest weight in the top colour)."""
    rc, out, err = cli("translate", TINY, "hello world !", "--json")
    assert rc == 0, err
    import json
    attention = json.loads(out)["attention"]
    largest = max(max(row) for row in attention)
    assert 0.5 < largest < 0.999, largest  # so that "max" differs from "one"
    with tempfile.TemporaryDirectory() as d:
        texts = {}
        svgs = {}
        for scale in (None, "one", "max", "row", "log"):
            path = os.path.join(d, f"{scale}.svg")
            render(TINY, "hello world !", "-o", path, "--svg-text", *(["--color-scale", scale] if scale else []))
            svgs[scale] = open(path, encoding="utf-8").read()
            texts[scale] = [t for t, _ in text_elements(svgs[scale])]
        assert svgs[None] == svgs["one"], "one is not the default"
        for tick in ("0", "0.5", "1"):
            assert tick in texts["one"], (tick, texts["one"])
            assert tick in texts["row"], (tick, texts["row"])
        for tick in ("0.001", "0.01", "0.1", "1"):
            assert tick in texts["log"], (tick, texts["log"])
        assert "%.2g" % largest in texts["max"] and "%.2g" % (largest / 2) in texts["max"], texts["max"]
        assert "0.5" not in texts["max"] and "0.5" in texts["one"], texts["max"]
        assert "per row" in texts["row"] and "per row" not in texts["one"], texts["row"]
        assert "log scale" in texts["log"] and "log scale" not in texts["max"], texts["log"]
        # the cells: per row, each row's largest is the top colour; on 0..1
        # none is (the largest is below 1); on 0..largest, the largest (and
        # here the second row's, within 1e-5 of it) but not every row's
        assert svgs["row"].count(TOP_COLOUR) == len(attention), svgs["row"].count(TOP_COLOUR)
        assert svgs["one"].count(TOP_COLOUR) == 0
        near_largest = sum(1 for row in attention if max(row) > largest - 1e-4)
        assert near_largest < len(attention)
        assert svgs["max"].count(TOP_COLOUR) == near_largest, svgs["max"].count(TOP_COLOUR)
        # refused in one line, the file left alone
        keep = os.path.join(d, "keep.png")
        with open(keep, "wb") as f:
            f.write(b"KEEP")
        for value in ("linear", "", "ROW", "1"):
            expect_failure(["render", TINY, "hello", "-o", keep, "--color-scale", value],
                           "--color-scale must be one, max, row or log", 2)
        assert open(keep, "rb").read() == b"KEEP"
    rc, out, err = cli("render", "--help")
    assert "--color-scale" in out, out


finish()
