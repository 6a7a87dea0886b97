#!/usr/bin/env python3
"""Compare attnscope-cli's translations with PyTorch's (parity test).

    python3 tests/parity/check_parity.py [--tap] BUILD_CLI_PATH OUTDIR [MORE_DIRS_OR_REFERENCE_FILES...]

OUTDIR holds the models and NAME.ref.json references written by
make_models.py (which needs PyTorch; this checker needs only Python 3).
tests/parity/data/ holds a committed copy. A reference file names its model
relative to its own folder, so tests/golden/en-zh-gru.expected.json (written
by golden.py) is checked the same way:
    python3 tests/parity/check_parity.py build/src/cli/attnscope-cli tests/golden/en-zh-gru.expected.json
For every reference case it runs

    attnscope-cli translate OUTDIR/NAME.json "sentence" --json [--target "forced target"] [--top K]

with K taken in turn from TOP_CYCLE (no --top: the CLI's default, 5; the
most it shows, 20; 1; 0; counts in between), and checks:
- source tokens, target tokens, every step's input and output token identical;
- every attention weight within the attention tolerance (absolute) of PyTorch's;
- every step's log-probability (log of "prob", and "logprob") within the
  log-probability tolerance of PyTorch's;
- every step's "top" list: exactly min(K, target vocabulary size) candidates,
  distinct, probabilities non-increasing, each within the log-probability
  tolerance of PyTorch's, and in PyTorch's order token for token. The
  references hold PyTorch's 25 best, sorted stably (equal log-probabilities
  lower id first, the engine's documented order). Two candidates may come in
  the other order than PyTorch's only when PyTorch's log-probabilities of the
  two are within the order tolerance of each other (float32 rounding), and
  exactly equal ones must come lower id first. In greedy decoding the first
  candidate is the output; the output's entry, where listed, has the step's
  probability.
For a Transformer (a reference with "architecture": "transformer", written by
make_transformer_models.py) it also checks every layer's and head's
attention: the CLI's "cross_attention" [layer][head][step][source],
"decoder_self_attention" [layer][head][step][step] (exactly zero above the
diagonal) and "encoder_self_attention" [layer][head][source][source], each
weight within the attention tolerance of PyTorch's; "attention" there is the
mean over heads of the last decoder layer's cross-attention (the
reference's per-step "attention"), and source_tokens are the encoder's
positions, [start] + tokens + [end].
A "refused" case (an unknown word, model without an unknown token) must exit
non-zero and name the word. Prints "ok ..." or "FAIL ..." per case (with
--tap, TAP: "ok N - ...", "not ok N - ...", "Bail out!"), then the largest
differences from PyTorch it saw; exits 1 if any case failed.

Tolerances, about 5 times the largest differences measured over the committed
references, the bundled model's golden outputs and the live run of
run-pytorch-parity.sh (the same references: the scripts are deterministic):
- make_models.py's random models (hidden 8 to 64): attention 1.9e-7,
  log-probability 1.5e-6 (steps and candidates): tolerances 1e-6 and 6e-6;
  candidates may swap within 3e-6.
- the bundled en-zh-gru (hidden 160, trained weights): attention 3.1e-6,
  log-probability 5.6e-6 for the steps, 2.3e-5 for less likely candidates:
  tolerances 1.5e-5 and 1e-4; candidates may swap within 5e-5. That is
  PyTorch's own float32 rounding: against the same computation in double
  precision (reference_cli.py), PyTorch is off by up to 2.3e-5 in
  log-probability and 2.5e-6 in attention where the C engine is off by 3e-6
  and 6.7e-7 ("What is your name?").
- make_transformer_models.py's random Transformers (d_model 8 to 24, 1 to 3
  layers, 2 to 8 heads): attention 1e-5, log-probability 2e-5, candidates may
  swap within 1e-5. The references are made only when PyTorch's float32 is
  within a quarter of these of the same model in float64 (measured: attention
  1.7e-6, log-probability 1.4e-6), so that the tolerances leave room for the
  engine's own float32 sums (longer than the GRU's: every layer and head).
  The first C engine measured at most 2.8e-6 (decoder self-attention) and
  1.7e-6 (log-probability of a less likely candidate).
- the bundled en-zh-transformer (d_model 128, 4 heads, 2 + 2 layers, trained
  weights; tests/golden/en-zh-transformer.expected.json by golden.py):
  attention 1e-5, log-probability 4e-5, candidates may swap within 2e-5.
  PyTorch's float32 is up to 9.7e-6 from float64 in log-probability (5.5e-6
  among the 25 best; attention 4.9e-7), more than a quarter of the random
  Transformers' 2e-5. The C engine measured at most 5.2e-6 (log-probability
  of a less likely candidate) and 7e-7 (encoder self-attention).
"""

import glob
import json
import math
import os
import subprocess
import sys

# Tolerances (see above): attention (absolute), log-probability, and how close
# two candidates' log-probabilities must be for their order to be free.
ATTENTION_TOL = 1e-6   # random models: measured at most 1.9e-7
LOGPROB_TOL = 6e-6     # measured at most 1.5e-6
ORDER_TOL = 3e-6
# The bundled model (hidden 160, trained weights): PyTorch's own float32
# rounding is larger there (the C engine is nearer to exact arithmetic).
BUNDLED_TOL = {"en-zh-gru": (1.5e-5, 1e-4, 5e-5),  # measured at most 3.1e-6, 2.3e-5
               # d_model 128, 2 + 2 layers, trained: PyTorch float32 vs float64 (golden.py, as
               # make_transformer_models.py measures it) attention 4.9e-7, log-probability 9.7e-6
               # (5.5e-6 among the 25 best), above a quarter of TRANSFORMER_TOL's 2e-5
               "en-zh-transformer": (1e-5, 4e-5, 2e-5)}
# Random Transformers (make_transformer_models.py): attention (every layer and
# head), log-probability, order. PyTorch float32 vs float64 at most 1.7e-6, 1.4e-6.
TRANSFORMER_TOL = (1e-5, 2e-5, 1e-5)
# The Transformer's per-layer attention fields: [layer][head][row][column].
LAYER_FIELDS = ("cross_attention", "decoder_self_attention", "encoder_self_attention")
TIMEOUT = 120

DEFAULT_TOP = 5        # attnscope-cli's --top when not given
MAX_TOP = 20           # AS_MAX_TOP, the most --top takes
# --top per case of a reference file, in turn (None: not given, the default)
TOP_CYCLE = (None, 20, 1, 20, 0, 20, 7, None, 20, 13)


def run_cli(cli, model, source, target=None, top=None):
    cmd = [cli, "translate", model, source, "--json"]
    if target is not None:
        cmd += ["--target", target]
    if top is not None:
        cmd += ["--top", str(top)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and not math.isnan(x)


def log_of(prob):
    if not is_number(prob) or prob <= 0:
        return None
    return math.log(prob)


class Worst:
    """The largest differences from PyTorch seen, to print at the end."""

    def __init__(self):
        self.label = ""
        self.attention = (0.0, "")
        self.logprob = (0.0, "")
        self.top_logprob = (0.0, "")
        for f in LAYER_FIELDS:
            setattr(self, f, (-1.0, ""))  # printed once seen (only the Transformer has them)

    def see(self, what, diff, where):
        if diff > getattr(self, what)[0]:
            setattr(self, what, (diff, "%s, %s" % (self.label, where)))


def compare_top(where, case, step, ref_step, top, want, target_ids, tol, worst):
    """Differences in one step's "top" list; want: how many it must hold."""
    errs = []
    if not isinstance(top, list):
        return ["%s: top is %r" % (where, top)]
    if len(top) != want:
        errs.append("%s: %d candidates in top, asked for %d" % (where, len(top), want))
    ref_top = ref_step["top"]
    ref_lp = dict((t, l) for t, l in ref_top)
    tokens = []
    for j, e in enumerate(top):
        t = e.get("token") if isinstance(e, dict) else None
        p = e.get("prob") if isinstance(e, dict) else None
        if t not in target_ids:
            errs.append("%s: top[%d] %r is not a target token" % (where, j, t))
            return errs
        if t in tokens:
            errs.append("%s: top[%d] %r is listed twice" % (where, j, t))
        tokens.append(t)
        if not is_number(p) or not 0 < p <= 1:
            errs.append("%s: top[%d] %r has prob %r" % (where, j, t, p))
            return errs
        if j > 0 and is_number(top[j - 1].get("prob")) and p > top[j - 1]["prob"]:
            errs.append("%s: top[%d] %r prob %r is above top[%d]'s %r"
                        % (where, j, t, p, j - 1, top[j - 1]["prob"]))
        if t == step.get("output") and p != step.get("prob"):
            errs.append("%s: top[%d] is the output %r with prob %r, the step says %r"
                        % (where, j, t, p, step.get("prob")))
        if j >= len(ref_top):
            continue  # beyond PyTorch's list (the references hold 25)
        if t not in ref_lp:
            errs.append("%s: top[%d] %r is not among PyTorch's %d best" % (where, j, t, len(ref_top)))
            continue
        d = abs(math.log(p) - ref_lp[t])
        worst.see("top_logprob", d, "%s top[%d]" % (where, j))
        if d > tol[1]:
            errs.append("%s: top[%d] %r log prob %.7f, PyTorch %.7f (diff %.2g)"
                        % (where, j, t, math.log(p), ref_lp[t], d))
        r = ref_top[j][0]
        if t != r and abs(ref_lp[t] - ref_top[j][1]) > tol[2]:
            errs.append("%s: top[%d] is %r, PyTorch's is %r (log probs %.7f, %.7f)"
                        % (where, j, t, r, ref_lp[t], ref_top[j][1]))
        if j > 0 and tokens[j - 1] in ref_lp and ref_lp[tokens[j - 1]] == ref_lp[t] \
                and target_ids[tokens[j - 1]] > target_ids[t]:
            errs.append("%s: top[%d] %r and top[%d] %r are equally probable: the lower id comes first"
                        % (where, j - 1, tokens[j - 1], j, t))
    if case["kind"] == "greedy" and top and top[0].get("token") != ref_step["output"]:
        errs.append("%s: top[0] %r is not the greedy output %r" % (where, top[0].get("token"), ref_step["output"]))
    return errs


def compare_layers(case, out, tol, worst):
    """Differences in the Transformer's per-layer, per-head attention."""
    errs = []
    for field in LAYER_FIELDS:
        ref = case[field]
        got = out.get(field)
        diff, at, bad = 0.0, "", None
        if not isinstance(got, list) or len(got) != len(ref):
            bad = "%d layers expected, got %s" % (len(ref), "%d" % len(got) if isinstance(got, list) else repr(got))
        for L in range(len(ref) if bad is None else 0):
            if not isinstance(got[L], list) or len(got[L]) != len(ref[L]):
                bad = "layer %d: %d heads expected" % (L, len(ref[L]))
                break
            for h in range(len(ref[L])):
                g_m, r_m = got[L][h], ref[L][h]
                if not isinstance(g_m, list) or len(g_m) != len(r_m):
                    bad = "layer %d head %d: %d rows expected" % (L, h, len(r_m))
                    break
                for i, (g_row, r_row) in enumerate(zip(g_m, r_m)):
                    if not isinstance(g_row, list) or len(g_row) != len(r_row) \
                            or not all(is_number(a) for a in g_row):
                        bad = "layer %d head %d row %d: %d numbers expected" % (L, h, i, len(r_row))
                        break
                    for j, (g, r) in enumerate(zip(g_row, r_row)):
                        d = abs(float(g) - r)
                        if d > diff:
                            diff, at = d, "[%d][%d][%d][%d] %.8f, PyTorch %.8f" % (L, h, i, j, float(g), r)
                        if field == "decoder_self_attention" and j > i and g != 0:
                            bad = "layer %d head %d row %d: %r above the diagonal" % (L, h, i, g)
                            break
                    if bad:
                        break
                if bad:
                    break
            if bad:
                break
        if bad is not None:
            errs.append("%s: %s" % (field, bad))
            continue
        worst.see(field, diff, at.split(" ")[0])
        if diff > tol[0]:
            errs.append("%s%s (diff %.2g)" % (field, at, diff))
    return errs


def compare(case, out, unknown_token, want_top, target_ids, tol, worst, architecture="gru-bahdanau"):
    """Returns a list of differences (empty: parity)."""
    errs = []
    if out.get("architecture") != architecture:
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
        if not isinstance(g, dict):
            errs.append("%s is %r" % (where, g))
            continue
        if g.get("input") != r["input"]:
            errs.append("%s: input %r, expected %r" % (where, g.get("input"), r["input"]))
        if g.get("output") != r["output"]:
            errs.append("%s: output %r, expected %r" % (where, g.get("output"), r["output"]))
        lp = log_of(g.get("prob"))
        if lp is None:
            errs.append("%s: prob %r is not a positive number" % (where, g.get("prob")))
        else:
            worst.see("logprob", abs(lp - r["logprob"]), where)
            if abs(lp - r["logprob"]) > tol[1]:
                errs.append("%s: log prob %.7f, PyTorch %.7f (diff %.2g)" % (where, lp, r["logprob"], lp - r["logprob"]))
        if "logprob" in g:  # optional field of the CLI: checked when present
            glp = g["logprob"]
            if not is_number(glp) or abs(glp - r["logprob"]) > tol[1]:
                errs.append("%s: logprob %r, PyTorch %.7f" % (where, glp, r["logprob"]))
            else:
                worst.see("logprob", abs(glp - r["logprob"]), where + " (logprob)")
        errs.extend(compare_top(where, case, g, r, g.get("top"), want_top, target_ids, tol, worst))
        if att is not None:
            row = att[k]
            ref_row = r["attention"]
            if not isinstance(row, list) or len(row) != len(ref_row) or not all(is_number(a) for a in row):
                errs.append("%s: attention row %r, expected %d numbers" % (where, row, len(ref_row)))
            else:
                worst_i = max(range(len(row)), key=lambda i: abs(float(row[i]) - ref_row[i]))
                d = abs(float(row[worst_i]) - ref_row[worst_i])
                worst.see("attention", d, "%s [%d]" % (where, worst_i))
                if d > tol[0]:
                    errs.append("%s: attention[%d] %.8f, PyTorch %.8f (diff %.2g)"
                                % (where, worst_i, float(row[worst_i]), ref_row[worst_i], d))
    if "cross_attention" in case:
        errs.extend(compare_layers(case, out, tol, worst))
    return errs


class Report:
    """ok/FAIL lines, or TAP with --tap (as meson's protocol: 'tap' reads it)."""

    def __init__(self, tap):
        self.tap = tap
        self.n_ok = self.n_fail = 0

    def ok(self, label):
        self.n_ok += 1
        print("ok %d - %s" % (self.n_ok + self.n_fail, label) if self.tap else "ok %s" % label)

    def fail(self, label, why):
        self.n_fail += 1
        print("not ok %d - %s: %s" % (self.n_ok + self.n_fail, label, why) if self.tap
              else "FAIL %s: %s" % (label, why))

    def fatal(self, why):
        print("Bail out! %s" % why if self.tap else "FAIL: %s" % why)
        return 2

    def note(self, text):
        print("# %s" % text if self.tap else text)

    def end(self):
        if self.tap:
            print("1..%d" % (self.n_ok + self.n_fail))
        self.note("%d ok, %d failed" % (self.n_ok, self.n_fail))
        return 1 if self.n_fail else 0


def main(argv):
    tap = "--tap" in argv[1:]
    argv = [a for a in argv if a != "--tap"]
    if len(argv) < 3:
        print("usage: %s [--tap] BUILD_CLI_PATH OUTDIR [MORE_DIRS_OR_REFERENCE_FILES...]" % argv[0], file=sys.stderr)
        return 2
    report = Report(tap)
    cli = argv[1]
    if not os.access(cli, os.X_OK):
        return report.fatal("%s is not an executable" % cli)
    refs = []
    for where in argv[2:]:
        if os.path.isdir(where):
            found = sorted(glob.glob(os.path.join(where, "*.ref.json")))
            if not found:
                return report.fatal("no *.ref.json in %s (run make_models.py first)" % where)
            refs.extend(found)
        elif os.path.isfile(where):
            refs.append(where)
        else:
            return report.fatal("%s does not exist" % where)
    worst = {}  # per tolerance
    for ref_path in refs:
        with open(ref_path, encoding="utf-8") as f:
            ref = json.load(f)
        model = os.path.normpath(os.path.join(os.path.dirname(ref_path), ref["model"]))
        name = os.path.basename(ref["model"])[:-len(".json")]
        with open(model, encoding="utf-8") as f:
            m = json.load(f)
        unk_id = m["source"]["special"].get("unknown")
        unknown_token = m["source"]["vocabulary"][unk_id] if unk_id is not None else None
        target_ids = dict((t, i) for i, t in enumerate(m["target"]["vocabulary"]))
        architecture = m.get("architecture")
        tol = BUNDLED_TOL.get(name, TRANSFORMER_TOL if architecture == "transformer"
                              else (ATTENTION_TOL, LOGPROB_TOL, ORDER_TOL))
        for n, case in enumerate(ref["cases"]):
            top = TOP_CYCLE[n % len(TOP_CYCLE)]
            want_top = min(DEFAULT_TOP if top is None else top, len(m["target"]["vocabulary"]))
            label = "%s %s %r" % (case["kind"], name, case["source"])
            if case["kind"] == "forced":
                label += " -> %r" % case["target"]
            if top is not None:
                label += " --top %d" % top
            try:
                rc, out, err = run_cli(cli, model, case["source"], case.get("target"), top)
            except subprocess.TimeoutExpired:
                report.fail(label, "no answer in %d s" % TIMEOUT)
                continue
            if case["kind"] == "refused":
                missing = [w for w in case["unknown_words"] if w not in err and w not in out]
                if rc == 0:
                    report.fail(label, "translated a sentence with unknown words (exit 0)")
                elif missing:
                    report.fail(label, "refused but does not name %s: %s" % (missing, err.strip()[:300]))
                else:
                    report.ok(label + " (refused)")
                continue
            if rc != 0:
                report.fail(label, "exit status %d: %s" % (rc, err.strip()[:500]))
                continue
            try:
                got = json.loads(out)
            except ValueError as e:
                report.fail(label, "stdout is not one JSON object (%s): %r" % (e, out[:300]))
                continue
            w = worst.setdefault(tol, Worst())
            w.label = label
            errs = compare(case, got, unknown_token, want_top, target_ids, tol, w, architecture)
            if errs:
                report.fail(label, "; ".join(errs[:6]) + (" (+%d more)" % (len(errs) - 6) if len(errs) > 6 else ""))
            else:
                report.ok(label)
    for tol, w in worst.items():
        for what, t in (("attention", tol[0]), ("logprob", tol[1]), ("top_logprob", tol[1])):
            d, where = getattr(w, what)
            report.note("largest difference from PyTorch, %s: %.2g (tolerance %.2g)%s"
                        % (what.replace("_", " "), d, t, " at " + where if where else ""))
        for what in LAYER_FIELDS:
            d, where = getattr(w, what)
            if where:  # only where a reference has them (the Transformer)
                report.note("largest difference from PyTorch, %s: %.2g (tolerance %.2g) at %s"
                            % (what.replace("_", " "), d, tol[0], where))
    return report.end()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
