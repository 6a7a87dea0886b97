#!/usr/bin/env python3
"""The layering of the sources, checked from the sources and their includes,
so that the design stays true after the people who made it move on
(docs/architecture.md). Output: TAP.

    check_layering.py SOURCE_ROOT

1. The core knows nothing of GTK: no file of src/core includes gtk/ or gdk/.
2. Only the architecture files name an architecture, a tensor or a hidden
   size: outside src/core/as-gru-bahdanau.{c,h} (and whatever architecture
   files ARCHITECTURE_FILES lists), the registry and the kernels, no source
   says "gru", "bahdanau", "hidden", "d_model", "nhead", "norm_first",
   "feedforward" or a state_dict key such as
   "decoder.out.weight".
3. Only the registry and an architecture's own tests include an
   architecture's header.
4. The figure includes neither the session nor the model; only its adapter
   (as-figure-session) turns a session into the figure's axes and matrix.
5. The session never asks which architecture it runs: it calls the table of
   operations and never compares names or switches on the architecture.
6. The app and the command line reach an architecture only through the
   model and the session (they do not include as-architecture.h).
"""

import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
SRC = os.path.join(ROOT, "src")

ARCHITECTURE_FILES = {"src/core/as-gru-bahdanau.c", "src/core/as-gru-bahdanau.h",
                      "src/core/as-transformer.c", "src/core/as-transformer.h"}
REGISTRY = "src/core/as-architectures.c"
# computations on arrays shared by architectures (as_gru_gates is one)
KERNELS = {"src/core/as-kernels.c", "src/core/as-kernels.h", "src/core/as-kernels-lanes.h",
           "src/core/as-kernels-products.h"}
# words that name a data file, not an architecture
ALLOWED_WORDS = ["en-zh-gru.json"]
ARCH_WORDS = re.compile(r"gru|bahdanau|hidden|\bd_model\b|\bnhead\b|norm_first|feedforward", re.I)
TENSOR_KEY = re.compile(r'"(?:encoder|decoder|transformer|generator|src_tok_emb|tgt_tok_emb)\.[\w.%]+"')

results = []


def check(name, problems):
    results.append((name, problems))


def sources(*dirs):
    for d in dirs:
        for top, _dirs, files in os.walk(os.path.join(ROOT, d)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    path = os.path.join(top, f)
                    yield os.path.relpath(path, ROOT).replace(os.sep, "/"), open(path, encoding="utf-8").read()


def includes(text):
    return re.findall(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', text, re.M)


def code_only(text):
    """The text without comments, so that prose may mention anything."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


all_src = list(sources("src"))
core = [(p, t) for p, t in all_src if p.startswith("src/core/")]

check("the core includes no GTK",
      ["%s includes %s" % (p, i) for p, t in core for i in includes(t) if i.startswith(("gtk/", "gdk/"))])

problems = []
for path, text in all_src:
    if path in ARCHITECTURE_FILES or path == REGISTRY or path in KERNELS:
        continue
    code = code_only(text)
    for word in ALLOWED_WORDS:
        code = code.replace(word, "")
    for n, line in enumerate(code.split("\n"), 1):
        if ARCH_WORDS.search(line) or TENSOR_KEY.search(line):
            problems.append("%s:%d: %s" % (path, n, line.strip()))
check("only the architecture files name an architecture, a tensor or a hidden size", problems)

problems = []
arch_headers = {os.path.basename(p) for p in ARCHITECTURE_FILES if p.endswith(".h")}
for path, text in list(sources("src", "tests")):
    if path in ARCHITECTURE_FILES or path == REGISTRY:
        continue
    for inc in includes(text):
        if inc in arch_headers and not (path.startswith("tests/") and "model" in path or path.startswith("tests/bench")):
            problems.append("%s includes %s" % (path, inc))
check("only the registry and the architecture's tests include an architecture's header", problems)

problems = []
for path, text in core:
    base = os.path.basename(path)
    if not (base.startswith("as-figure") or base.startswith("as-colormap")) or base.startswith("as-figure-session"):
        continue
    for inc in includes(text):
        if inc in ("as-session.h", "as-model.h", "as-architecture.h"):
            problems.append("%s includes %s" % (path, inc))
check("the figure includes neither the session nor the model (only its adapter does)", problems)

problems = []
for path, text in core:
    if not os.path.basename(path).startswith("as-session"):
        continue
    code = code_only(text)
    for pattern in (r"\bswitch\b", r"get_architecture_name", r"->name\b", r"as_architecture_lookup",
                    r"_architecture\b\s*[!=]="):
        for m in re.finditer(pattern, code):
            line = code[:m.start()].count("\n") + 1
            problems.append("%s:%d: %s" % (path, line, code.split("\n")[line - 1].strip()))
check("the session never switches on the architecture", problems)

problems = []
for path, text in all_src:
    if path.startswith(("src/app/", "src/cli/")):
        for inc in includes(text):
            if inc in ("as-architecture.h", "as-loader.h") or inc in arch_headers:
                problems.append("%s includes %s" % (path, inc))
check("the app and the command line reach an architecture only through the model and the session", problems)

for i, (name, problems) in enumerate(results, 1):
    if problems:
        print("not ok %d - %s" % (i, name))
        for p in problems:
            print("#   %s" % p)
    else:
        print("ok %d - %s" % (i, name))
print("1..%d" % len(results))
sys.exit(1 if any(p for _, p in results) else 0)
