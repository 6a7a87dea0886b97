#!/usr/bin/env python3
"""The mutation check: do the tests notice what a person would notice?

    /usr/bin/python3 tests/mutation/run.py [--only ID[,ID...]] [--list] [--check] [--work DIR]

Plants each mutant of tests/mutation/mutants.py (one small deliberate bug:
one piece of text of one source file replaced by another) in a copy of the
committed tree (HEAD, or --rev), rebuilds, runs the main build's whole suite (`meson test`, under
a private D-Bus session and Xvfb, as tests/run-all.sh does) and prints which
tests caught it. Every mutant must be caught: the script exits 1 when one
survives, and 2 when a mutant no longer applies (its text is not found once
in its file: the code moved; update the mutant with it) or does not build.

Not part of the test command: it rebuilds and runs the suite once per
mutant (about a minute each on two cores). The copy and its build live in
--work (default /tmp/attnscope-mutation) and are reused between runs.

  --list    print the mutants and exit
  --check   only check that every mutant applies (no build), and exit
  --only    run these mutants (by id) only
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from mutants import MUTANTS  # noqa: E402


def applies(text, mutant):
    return text.count(mutant["from"]) == 1


def copy_tree(work, rev):
    """Copies the files of commit @rev into work/src (by default HEAD: what is
    committed, not what is being edited); files whose contents did not change
    keep their time stamps, so that ninja rebuilds little."""
    src = os.path.join(work, "src")
    fresh = os.path.join(work, "export")
    shutil.rmtree(fresh, ignore_errors=True)
    os.makedirs(fresh)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, stdout=subprocess.PIPE).stdout
    subprocess.run(["tar", "-x", "-C", fresh], input=archive, check=True)
    kept = set()
    for top, _dirs, files in os.walk(fresh):
        for name in files:
            s = os.path.join(top, name)
            rel = os.path.relpath(s, fresh)
            kept.add(rel)
            dst = os.path.join(src, rel)
            if os.path.exists(dst) and open(dst, "rb").read() == open(s, "rb").read():
                continue
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(s, dst)
            os.utime(dst, None)
    # files the commit no longer has (a fixture removed) must not linger
    for top, _dirs, files in os.walk(src):
        for name in files:
            path = os.path.join(top, name)
            if os.path.relpath(path, src) not in kept:
                os.remove(path)
    shutil.rmtree(fresh)
    return src


def run(cmd, cwd, log):
    with open(log, "w") as out:
        return subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT).returncode


def suite(build, log):
    """Runs the main suite; returns the failed tests: [(test, [failed TAP results])]."""
    testlog = os.path.join(build, "meson-logs", "testlog.json")
    if os.path.exists(testlog):
        os.unlink(testlog)
    run(["dbus-run-session", "--", "xvfb-run", "-a", "-s", "-screen 0 1600x1200x24",
         "meson", "test", "-C", build, "--no-rebuild", "--num-processes", "2"], build, log)
    failed = []
    if not os.path.exists(testlog):
        return [("meson test", ["wrote no results"])]
    for line in open(testlog, encoding="utf-8"):
        r = json.loads(line)
        name = r["name"].split(" / ")[-1]
        out = r.get("stdout") or ""
        bad = [m.strip() for m in re.findall(r"^not ok\b[ \d-]*(.*)$", out, re.M)]
        # a GLib test stops at its first failure: "Bail out! ERROR:FILE:LINE:FUNCTION: ..."
        bad += re.findall(r"^Bail out! .*?ERROR:[^:]+:\d+:(\w+):", out, re.M)
        if r["result"] not in ("OK", "EXPECTEDFAIL") or bad:
            failed.append((name, bad or [r["result"]]))
    return failed


def describe(failed):
    parts = []
    for name, bad in failed:
        shown = ", ".join(b[:70] for b in bad[:3]) + (", ..." if len(bad) > 3 else "")
        parts.append("%s (%s)" % (name, shown))
    return "; ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--work", default="/tmp/attnscope-mutation")
    ap.add_argument("--rev", default="HEAD", help="the commit to mutate (default HEAD)")
    args = ap.parse_args()

    ids = [m["id"] for m in MUTANTS]
    if len(set(ids)) != len(ids):
        sys.exit("mutants.py: two mutants have the same id")
    chosen = MUTANTS
    if args.only:
        wanted = args.only.split(",")
        unknown = [w for w in wanted if w not in ids]
        if unknown:
            sys.exit("no such mutant: %s" % ", ".join(unknown))
        chosen = [m for m in MUTANTS if m["id"] in wanted]

    if args.list:
        for m in chosen:
            print("%-28s %-32s %s" % (m["id"], m["file"], m["what"]))
        return 0

    stale = []
    for m in chosen:
        text = subprocess.run(["git", "show", "%s:%s" % (args.rev, m["file"])], cwd=ROOT, check=True,
                              stdout=subprocess.PIPE).stdout.decode("utf-8")
        if not applies(text, m):
            stale.append("%s: its text is found %d times in %s, not once" % (m["id"], text.count(m["from"]), m["file"]))
    for s in stale:
        print("STALE %s" % s)
    if stale:
        return 2
    if args.check:
        print("all %d mutants apply" % len(chosen))
        return 0

    os.makedirs(args.work, exist_ok=True)
    src = copy_tree(args.work, args.rev)
    build = os.path.join(args.work, "build")
    logs = os.path.join(args.work, "logs")
    os.makedirs(logs, exist_ok=True)
    os.environ.update(GSK_RENDERER="cairo", GSETTINGS_BACKEND="memory", NO_AT_BRIDGE="1")
    if not os.path.exists(os.path.join(build, "build.ninja")):
        if run(["meson", "setup", build, "-Dgui=true"], src, os.path.join(logs, "setup.log")) != 0:
            sys.exit("meson setup failed: see %s/setup.log" % logs)

    print("# the suite without mutants", flush=True)
    if run(["ninja", "-C", build], src, os.path.join(logs, "build.log")) != 0:
        sys.exit("the unmutated tree does not build: see %s/build.log" % logs)
    failed = suite(build, os.path.join(logs, "suite.log"))
    if failed:
        sys.exit("the suite fails without any mutant, so nothing can be learnt: %s" % describe(failed))

    caught = survived = broken = 0
    for i, m in enumerate(chosen, 1):
        path = os.path.join(src, m["file"])
        original = open(path, encoding="utf-8").read()
        start = time.monotonic()
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original.replace(m["from"], m["to"], 1))
            log = os.path.join(logs, m["id"] + ".log")
            if run(["ninja", "-C", build], src, log) != 0:
                broken += 1
                print("not ok %d %s - does not build (see %s)" % (i, m["id"], log), flush=True)
                continue
            failed = suite(build, log)
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
            # the restored file must look newer than the mutated build
            os.utime(path, None)
        took = time.monotonic() - start
        if failed:
            caught += 1
            print("ok %d %s - caught by %s [%.0f s]" % (i, m["id"], describe(failed), took), flush=True)
        else:
            survived += 1
            print("not ok %d %s - SURVIVED: %s (%s) [%.0f s]" % (i, m["id"], m["what"], m["file"], took), flush=True)

    print("1..%d" % len(chosen))
    print("%d mutants: %d caught, %d survived, %d did not build" % (len(chosen), caught, survived, broken))
    return 1 if survived else (2 if broken else 0)


if __name__ == "__main__":
    sys.exit(main())
