"""Shared by the command line's tests (test_cli*.py): where the CLI and the
bundled models are, running the CLI (under $ATTNSCOPE_CLI_WRAPPER, such as
valgrind, when set), collecting named tests and reporting them as TAP."""

import os
import shlex
import subprocess
import sys

CLI = sys.argv[1]
MODELS = os.environ.get("ATTNSCOPE_MODELS_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "data", "models"))
TINY = os.path.join(MODELS, "tiny-hello.json")
TINY_TF = os.path.join(MODELS, "tiny-transformer.json")
EN_ZH = os.path.join(MODELS, "en-zh-gru.json")
TRANSFORMER = os.path.join(MODELS, "en-zh-transformer.json")
WRAPPER = shlex.split(os.environ.get("ATTNSCOPE_CLI_WRAPPER", ""))

results = []


def cli(*args, cwd=None):
    """Runs attnscope-cli: (exit status, stdout, stderr), decoded."""
    p = subprocess.run(WRAPPER + [CLI, *args], capture_output=True, cwd=cwd, timeout=900)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def test(fn):
    """Runs @fn at once as a test named by it: a failed assertion or a crash fails it."""
    try:
        fn()
        results.append((fn.__name__, None))
    except AssertionError as e:
        results.append((fn.__name__, str(e) or "assertion failed"))
    except Exception as e:  # noqa: BLE001 - a crash of the test is a failure too
        results.append((fn.__name__, f"{type(e).__name__}: {e}"))
    return fn


def expect_failure(args, message, code=None):
    """The CLI fails with @code (any non-zero when None), nothing on stdout
    and one line on stderr that starts with "attnscope-cli: " and holds @message."""
    rc, out, err = cli(*args)
    if code is None:
        assert rc != 0, f"{args}: exit 0: {err!r}"
    else:
        assert rc == code, f"{args}: exit {rc}, expected {code}: {err!r}"
    assert out == "", f"stdout: {out!r}"
    lines = err.splitlines()
    assert len(lines) == 1, f"{args}: expected one line, got {err!r}"
    assert lines[0].startswith("attnscope-cli: "), lines[0]
    assert message in lines[0], f"{message!r} not in {lines[0]!r}"


def finish():
    """Prints the TAP report of the tests run and exits."""
    print(f"1..{len(results)}")
    for i, (name, error) in enumerate(results, 1):
        if error is None:
            print(f"ok {i} {name}")
        else:
            print(f"not ok {i} {name}")
            for line in error.splitlines():
                print(f"# {line}")
    sys.exit(0)
