#!/usr/bin/env python3
"""Runs one libFuzzer target for $FUZZ_SECONDS seconds (default 60) on a fresh
corpus in a temporary folder, seeded with copies of the given files and
folders (the source tree is never written). Whatever it finds is left in the
--artifacts folder (crash-*, leak-*, timeout-*), with the command to reproduce
it; the exit status is the fuzzer's.

    run-fuzzer.py FUZZER --max-len N [--dict FILE] [--artifacts DIR] --seeds PATH...

A long session by hand, keeping the corpus between runs:

    FUZZ_SECONDS=3600 FUZZ_CORPUS=$HOME/attnscope-corpus meson test -C build-fuzz --suite fuzz -v
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fuzzer")
    ap.add_argument("--max-len", type=int, required=True)
    ap.add_argument("--dict")
    ap.add_argument("--artifacts")
    ap.add_argument("--seeds", nargs="+", default=[])
    args = ap.parse_args()

    seconds = int(os.environ.get("FUZZ_SECONDS", "60"))
    jobs = int(os.environ.get("FUZZ_JOBS", "1"))
    name = os.path.basename(args.fuzzer)
    artifacts = args.artifacts or os.path.join(os.getcwd(), name + "-artifacts")
    os.makedirs(artifacts, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix=name + "-") as tmp:
        # FUZZ_CORPUS keeps what was learnt from one run to the next; by default it is thrown away
        corpus = os.environ.get("FUZZ_CORPUS")
        corpus = os.path.join(corpus, name) if corpus else os.path.join(tmp, "corpus")
        os.makedirs(corpus, exist_ok=True)
        n = 0
        for seed in args.seeds:
            files = [os.path.join(seed, f) for f in sorted(os.listdir(seed))] if os.path.isdir(seed) else [seed]
            for f in files:
                if os.path.isfile(f):
                    shutil.copyfile(f, os.path.join(corpus, "seed-%04d-%s" % (n, os.path.basename(f))))
                    n += 1

        cmd = [args.fuzzer, corpus,
               "-max_total_time=%d" % seconds,
               "-max_len=%d" % args.max_len,
               "-timeout=10",            # one input taking 10 s is a hang
               "-rss_limit_mb=2048",
               "-malloc_limit_mb=1024",  # one allocation past 1 GiB is a bug: the loader bounds them
               "-print_final_stats=1",
               "-artifact_prefix=" + artifacts + "/"]
        if args.dict:
            cmd.append("-dict=" + args.dict)
        if jobs > 1:
            cmd += ["-fork=%d" % jobs, "-ignore_crashes=0"]
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1")
        env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
        env["G_SLICE"] = "always-malloc"
        env.setdefault("OPENBLAS_NUM_THREADS", "1")  # no thread pool to start per input
        env["G_DEBUG"] = "gc-friendly"

        print("# %d seeds; %s" % (n, " ".join(cmd)), flush=True)
        p = subprocess.Popen(cmd, env=env)
        try:
            status = p.wait(timeout=seconds + 300)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGINT)
            try:
                status = p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                status = p.wait()
            print("# the fuzzer did not stop after %d s" % (seconds + 300))
            status = status or 1

        found = sorted(os.listdir(artifacts))
        if status != 0 or found:
            print("# the fuzzer found something (exit %d); in %s: %s" % (status, artifacts, " ".join(found)))
            for f in found:
                print("# reproduce: %s %s" % (args.fuzzer, os.path.join(artifacts, f)))
            return status or 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
