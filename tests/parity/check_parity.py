#!/usr/bin/env python3
"""Compare attnscope-cli's translations with PyTorch's (parity test).

    python3 tests/parity/check_parity.py BUILD_CLI_PATH OUTDIR [MORE_DIRS_OR_REFERENCE_FILES...]

OUTDIR holds the models and NAME.ref.json references written by
make_models.py (which needs PyTorch; this checker needs only Python 3).
tests/parity/data/ holds a committed copy. A reference file names its model
relative to its own folder, so tests/golden/en-zh-gru.expected.json (written
by golden.py) is checked the same way:
    python3 tests/parity/check_parity.py build/src/cli/attnscope-cli tests/golden/en-zh-gru.expected.json
For every reference case it runs

    attnscope-cli translate OUTDIR/NAME.json "sentence" --json [--target "forced target"]

and checks: source tokens, target tokens, every step's input and output token
identical; every attention weight within 1e-4 (absolute) of PyTorch's; every
step's log-probability (log of "prob") within 1e-3 of PyTorch's, the same for
the "top" list where PyTorch's 10 best tokens cover it. A "refused" case (an
unknown word, model without an unknown token) must exit non-zero and name the
word. Prints "ok ..." or "FAIL ..." per case; exits 1 if any case failed.
"""

import glob
import json
import math
import os
import subprocess
import sys

ATTENTION_TOL = 1e-4
LOGPROB_TOL = 1e-3
TIMEOUT = 120


def run_cli(cli, model, source, target=None):
    cmd = [cli, "translate", model, source, "--json"]
    if target is not None:
        cmd += ["--target", target]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def log_of(prob):
    if not isinstance(prob, (int, float)) or isinstance(prob, bool) or prob <= 0 or math.isnan(prob):
        return None
    return math.log(prob)


def compare(case, out, unknown_token):
    """Returns a list of differences (empty: parity)."""
    errs = []
    if out.get("architecture") != "gru-bahdanau":
        errs.append("architecture %r" % (out.get("architecture"),))

    src_ref = case["source_tokens"]
    src_got = out.get("source_tokens")
    if not isinstance(src_got, list) or len(src_got) != len(src_ref):
        errs.append("source_tokens %r, expected %r" % (src_got, src_ref))
    else:
        for i, (g, r) in enumerate(zip(src_got, src_ref)):
            unk = case["source_unknown"][i]
            if g != r and not (unk and g == unknown_token):
                errs.append("source token %d %r, expected %r%s"
                            % (i, g, r, " (or %r)" % unknown_token if unk else ""))

    if "unknown_words" in out:  # optional field of the CLI: checked when present
        want = []
        for t, u in zip(case["source_tokens"], case["source_unknown"]):
            if u and t not in want:
                want.append(t)
        if out["unknown_words"] != want:
            errs.append("unknown_words %r, expected %r" % (out["unknown_words"], want))

    tgt_ref = case["target_tokens"]
    if out.get("target_tokens") != tgt_ref:
        errs.append("target_tokens %r, expected %r" % (out.get("target_tokens"), tgt_ref))

    steps = out.get("steps")
    att = out.get("attention")
    if not isinstance(steps, list) or len(steps) != len(case["steps"]):
        errs.append("%s steps, expected %d" % (len(steps) if isinstance(steps, list) else repr(steps),
                                              len(case["steps"])))
        return errs
    if not isinstance(att, list) or len(att) != len(case["steps"]):
        errs.append("attention has %s rows, expected %d" % (len(att) if isinstance(att, list) else repr(att),
                                                           len(case["steps"])))
        att = None

    for k, (g, r) in enumerate(zip(steps, case["steps"])):
        where = "step %d" % k
        if g.get("input") != r["input"]:
            errs.append("%s: input %r, expected %r" % (where, g.get("input"), r["input"]))
        if g.get("output") != r["output"]:
            errs.append("%s: output %r, expected %r" % (where, g.get("output"), r["output"]))
        lp = log_of(g.get("prob"))
        if lp is None:
            errs.append("%s: prob %r is not a positive number" % (where, g.get("prob")))
        elif abs(lp - r["logprob"]) > LOGPROB_TOL:
            errs.append("%s: log prob %.6f, PyTorch %.6f (diff %.2g)" % (where, lp, r["logprob"], lp - r["logprob"]))
        if "logprob" in g:  # optional field of the CLI: checked when present
            glp = g["logprob"]
            if not isinstance(glp, (int, float)) or isinstance(glp, bool) or abs(glp - r["logprob"]) > LOGPROB_TOL:
                errs.append("%s: logprob %r, PyTorch %.6f" % (where, glp, r["logprob"]))
        top = g.get("top")
        if top is not None:
            ref_top = dict((t, l) for t, l in r["top"])
            if not isinstance(top, list):
                errs.append("%s: top is %r" % (where, top))
            else:
                if case["kind"] == "greedy" and top and top[0].get("token") != r["output"]:
                    errs.append("%s: top[0] %r is not the greedy output %r" % (where, top[0].get("token"), r["output"]))
                for j, e in enumerate(top[:len(r["top"])]):
                    t = e.get("token")
                    if t not in ref_top:
                        # Beyond PyTorch's 10 best only when the CLI shows more than that.
                        errs.append("%s: top[%d] %r is not among PyTorch's %d best" % (where, j, t, len(ref_top)))
                        continue
                    tl = log_of(e.get("prob"))
                    if tl is None or abs(tl - ref_top[t]) > LOGPROB_TOL:
                        errs.append("%s: top[%d] %r prob %r, PyTorch %.6g" % (where, j, t, e.get("prob"),
                                                                             math.exp(ref_top[t])))
        if att is not None:
            row = att[k]
            ref_row = r["attention"]
            if not isinstance(row, list) or len(row) != len(ref_row):
                errs.append("%s: attention row of %s, expected %d values"
                            % (where, len(row) if isinstance(row, list) else repr(row), len(ref_row)))
            else:
                worst = max(range(len(row)), key=lambda i: abs(float(row[i]) - ref_row[i]))
                d = abs(float(row[worst]) - ref_row[worst])
                if d > ATTENTION_TOL:
                    errs.append("%s: attention[%d] %.7f, PyTorch %.7f (diff %.2g)"
                                % (where, worst, float(row[worst]), ref_row[worst], d))
    return errs


def main(argv):
    if len(argv) < 3:
        print("usage: %s BUILD_CLI_PATH OUTDIR [MORE_DIRS_OR_REFERENCE_FILES...]" % argv[0], file=sys.stderr)
        return 2
    cli = argv[1]
    if not os.access(cli, os.X_OK):
        print("FAIL: %s is not an executable" % cli)
        return 2
    refs = []
    for where in argv[2:]:
        if os.path.isdir(where):
            found = sorted(glob.glob(os.path.join(where, "*.ref.json")))
            if not found:
                print("FAIL: no *.ref.json in %s (run make_models.py first)" % where)
                return 2
            refs.extend(found)
        elif os.path.isfile(where):
            refs.append(where)
        else:
            print("FAIL: %s does not exist" % where)
            return 2
    n_ok = n_fail = 0
    for ref_path in refs:
        with open(ref_path, encoding="utf-8") as f:
            ref = json.load(f)
        model = os.path.normpath(os.path.join(os.path.dirname(ref_path), ref["model"]))
        name = os.path.basename(ref["model"])[:-len(".json")]
        with open(model, encoding="utf-8") as f:
            m = json.load(f)
        unk_id = m["source"]["special"].get("unknown")
        unknown_token = m["source"]["vocabulary"][unk_id] if unk_id is not None else None
        for case in ref["cases"]:
            label = "%s %s %r" % (case["kind"], name, case["source"])
            if case["kind"] == "forced":
                label += " -> %r" % case["target"]
            try:
                rc, out, err = run_cli(cli, model, case["source"], case.get("target"))
            except subprocess.TimeoutExpired:
                print("FAIL %s: no answer in %d s" % (label, TIMEOUT))
                n_fail += 1
                continue
            if case["kind"] == "refused":
                missing = [w for w in case["unknown_words"] if w not in err and w not in out]
                if rc == 0:
                    print("FAIL %s: translated a sentence with unknown words (exit 0)" % label)
                    n_fail += 1
                elif missing:
                    print("FAIL %s: refused but does not name %s: %s" % (label, missing, err.strip()[:300]))
                    n_fail += 1
                else:
                    print("ok %s (refused)" % label)
                    n_ok += 1
                continue
            if rc != 0:
                print("FAIL %s: exit status %d: %s" % (label, rc, err.strip()[:500]))
                n_fail += 1
                continue
            try:
                got = json.loads(out)
            except ValueError as e:
                print("FAIL %s: stdout is not one JSON object (%s): %r" % (label, e, out[:300]))
                n_fail += 1
                continue
            errs = compare(case, got, unknown_token)
            if errs:
                print("FAIL %s: %s" % (label, "; ".join(errs[:6]) + (" (+%d more)" % (len(errs) - 6) if len(errs) > 6 else "")))
                n_fail += 1
            else:
                print("ok %s" % label)
                n_ok += 1
    print("%d ok, %d failed" % (n_ok, n_fail))
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
