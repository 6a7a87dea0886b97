#!/usr/bin/env python3
"""Counts the results of one stage of tests/run-all.sh, strictly.

    check-results.py TESTLOG.json STAGE

TESTLOG.json is meson's log of the stage's `meson test` run. The stage's
tests are those that tests/expected-tests.txt lists for STAGE. Prints one
line per problem on stderr and "PASSED FAILED" on stdout, for run-all.sh to
add up.

Counted as passed: each "ok" line of a TAP test, or a non-TAP test that
exited 0. Counted as failed, each once:
- a "not ok" line, or a test that failed, crashed or timed out without one;
- an expected test that did not run (not built: a missing tool or option
  made meson leave it out);
- a TAP test that printed fewer results than its plan ("1..N") promises,
  or no plan;
- a skip, of a whole test (exit 77) or of one TAP result ("# SKIP"), unless
  tests/allowed-skips.txt lists that test and reason, with why.
- a test that ran but is not in the list (the list must say what runs).
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read_table(name, columns):
    rows = []
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("\t") if columns > 2 else line.split(None, 1)
            if len(parts) != columns:
                sys.exit("%s: a line must have %d tab-separated fields: %r" % (name, columns, line))
            rows.append([p.strip() for p in parts])
    return rows


def main():
    log, stage = sys.argv[1], sys.argv[2]
    expected = [name for s, names in read_table("expected-tests.txt", 2) if s == stage for name in names.split()]
    allowed = [(t, re.compile(r)) for t, r, _why in read_table("allowed-skips.txt", 3)]
    if not expected:
        sys.exit("tests/expected-tests.txt lists no test for stage %r" % stage)

    def skip_allowed(test, reason):
        return any(t == test and r.search(reason) for t, r in allowed)

    passed = failed = 0
    problems = []
    seen = set()
    results = []
    if os.path.exists(log):
        with open(log, encoding="utf-8") as f:
            results = [json.loads(line) for line in f if line.strip()]

    for r in results:
        name = r["name"].split(" / ")[-1]
        seen.add(name)
        out = r.get("stdout") or ""
        result = r["result"]
        if name not in expected:
            problems.append("%s: ran, but tests/expected-tests.txt does not list it for %s" % (name, stage))
            failed += 1

        lines = re.findall(r"^(not ok|ok)\b(.*)$", out, re.M)
        plan = re.search(r"^1\.\.(\d+)", out, re.M)
        if result == "SKIP":
            reason = (re.search(r"# SKIP\s*(.*)", out) or [None, out.strip()[-200:]])[1]
            if skip_allowed(name, reason):
                print("# %s: skipped as allowed: %s" % (name, reason), file=sys.stderr)
            else:
                problems.append("%s: skipped (%s), and tests/allowed-skips.txt does not allow it" % (name, reason))
                failed += 1
            continue

        if not lines:
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            else:
                problems.append("%s: %s" % (name, result))
                failed += 1
            continue

        for status, rest in lines:
            skip = re.search(r"#\s*SKIP\b\s*(.*)", rest, re.I)
            if status == "not ok":
                failed += 1
            elif skip and not skip_allowed(name, skip.group(1)):
                problems.append("%s: skipped%s, and tests/allowed-skips.txt does not allow it" % (name, rest))
                failed += 1
            else:
                passed += 1
        if result not in ("OK", "EXPECTEDFAIL") and not any(s == "not ok" for s, _ in lines):
            problems.append("%s: %s after %d results" % (name, result, len(lines)))
            failed += 1
        if plan is None:
            problems.append("%s: printed no TAP plan (1..N)" % name)
            failed += 1
        elif len(lines) < int(plan.group(1)):
            problems.append("%s: ran %d of the %s tests its plan promises" % (name, len(lines), plan.group(1)))
            failed += 1

    for name in expected:
        if name not in seen:
            problems.append("%s: did not run (not built here? see tests/expected-tests.txt)" % name)
            failed += 1

    for p in problems:
        print("not ok - %s" % p, file=sys.stderr)
    print(passed, failed)


if __name__ == "__main__":
    main()
