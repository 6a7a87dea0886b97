"""Shared by the command-line robustness tests: running attnscope-cli (under
a wrapper such as valgrind when asked) and reporting TAP.

The CLI runs under $ATTNSCOPE_CLI_WRAPPER when it is set (tests/run-all.sh
sets it to valgrind). When this script itself runs under valgrind (`meson
test --wrapper valgrind ...`), valgrind does not follow it into the CLI, so
the CLI is then started under valgrind here, with tests/valgrind.supp."""

import concurrent.futures
import os
import shlex
import subprocess
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
SUPPRESSIONS = os.path.join(TESTS, "valgrind.supp")


def _wrapper():
    text = os.environ.get("ATTNSCOPE_CLI_WRAPPER", "").strip()
    if text:
        return shlex.split(text)
    if "vgpreload" in os.environ.get("LD_PRELOAD", ""):
        return ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
                "--errors-for-leak-kinds=definite,indirect", "--suppressions=" + SUPPRESSIONS]
    return []


WRAPPER = _wrapper()
WRAPPED = bool(WRAPPER)
TIMEOUT = 60 * (20 if WRAPPED else 1)


class Result:
    def __init__(self, args, returncode, stdout, stderr):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    def describe(self):
        err = self.stderr.decode("utf-8", "replace")
        out = self.stdout.decode("utf-8", "replace")
        shown = [a if len(a) < 80 else a[:60] + "...(%d characters)" % len(a)
                 for a in (x.decode("utf-8", "replace") if isinstance(x, bytes) else x for x in self.args)]
        return "attnscope-cli %s\nexit %s\nstdout: %r\nstderr: %r" % (
            " ".join(shlex.quote(a) for a in shown), self.returncode, out[:400], err[:2000])


def run(cli, *args, cwd=None, env=None):
    """Runs the CLI; never raises for its failures (a timeout is a failure of the test)."""
    if env is not None:
        env = dict(os.environ, **env)
    p = subprocess.run(WRAPPER + [cli, *args], capture_output=True, cwd=cwd, env=env, timeout=TIMEOUT)
    return Result(args, p.returncode, p.stdout, p.stderr)


class Tap:
    """Collects named checks, runs them on a few threads, prints TAP."""

    def __init__(self):
        self.checks = []

    def add(self, name, fn, *args):
        self.checks.append((name, fn, args))

    def test(self, fn):
        self.add(fn.__name__, fn)
        return fn

    def run(self):
        def one(check):
            name, fn, args = check
            try:
                todo = fn(*args)
                return name, None, todo
            except AssertionError as e:
                return name, str(e) or "assertion failed\n" + traceback.format_exc(), None
            except Exception as e:  # noqa: BLE001 - a crash of the test is a failure too
                return name, "%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc()), None

        workers = max(2, os.cpu_count() or 2)
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(one, self.checks))
        print("1..%d" % len(results))
        if WRAPPED:
            print("# attnscope-cli runs under: %s" % " ".join(WRAPPER))
        for i, (name, error, todo) in enumerate(results, 1):
            if error is None and todo is None:
                print("ok %d %s" % (i, name))
            elif error is None:
                # a check that returned a reason did not run here; run-all.sh
                # accepts it only where tests/allowed-skips.txt says why
                print("ok %d %s # SKIP %s" % (i, name, todo))
            else:
                print("not ok %d %s" % (i, name))
                for line in error.splitlines():
                    print("# " + line)
        sys.stdout.flush()
        return 0
