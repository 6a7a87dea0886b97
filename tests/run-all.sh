#!/usr/bin/env bash
# Runs every test of AttnScope and ends with one line "N passed, N failed".
# Called by tools/bootstrap.sh test after the main build (./build) is up to date.
#
#   1. the main build's whole suite (core, cli, parity against PyTorch, gui,
#      robustness), under a private D-Bus session and X server (Xvfb);
#   2. the core, figure (gui suite without GTK) and robustness suites again under AddressSanitizer and
#      UndefinedBehaviorSanitizer (./build-asan);
#   3. the command-line suite under valgrind (no leak, no invalid access);
#   4. the libFuzzer targets, FUZZ_SECONDS (default 60) each (./build-fuzz, clang).
#
# Each stage must run every test that tests/expected-tests.txt lists for it,
# each to the end of its plan; a skip is a failure unless
# tests/allowed-skips.txt allows it (tests/check-results.py).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

passed=0
failed=0
export GSK_RENDERER=cairo GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1

# count BUILD STAGE: adds the results of BUILD's last `meson test` to the
# totals, strictly (tests/check-results.py): every test that
# tests/expected-tests.txt lists for STAGE must have run all of its plan, and
# a skip that tests/allowed-skips.txt does not list is a failure.
count () {
  local p f
  # its findings go to stderr, the counts to stdout
  read -r p f < <(/usr/bin/python3 "$root/tests/check-results.py" "$1/meson-logs/testlog.json" "$2")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-1}))
}

section () { printf '\n==== %s ====\n' "$1"; }

section "main build: every suite"
rm -f build/meson-logs/testlog.json
dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1200x24" \
  meson test -C build --print-errorlogs --num-processes 2
count build main

section "meson install: an installed build works from any folder"
# its own build, installed into a temporary prefix; run from / with no hint
# where the models are, it must find the installed ones
install_log=build-install/meson-logs/testlog.json
prefix=$(mktemp -d)
rm -rf build-install
if meson setup build-install --prefix "$prefix" >/dev/null && ninja -C build-install install >/dev/null; then
  (cd / && env -u ATTNSCOPE_MODELS_DIR bash "$root/tests/install-check.sh" "$prefix") > build-install/install-check.tap
  status=$?
  /usr/bin/python3 - build-install/install-check.tap "$install_log" "$status" <<'PY'
import json, sys
out = open(sys.argv[1]).read()
json.dump({"name": "install-check", "stdout": out, "result": "OK" if sys.argv[3] == "0" else "FAIL"}, open(sys.argv[2], "w"))
PY
  cat build-install/install-check.tap
  count build-install install
else
  echo "meson install failed" >&2
  failed=$((failed + 1))
fi
rm -rf "$prefix"

section "AddressSanitizer + UndefinedBehaviorSanitizer: core, figure and robustness"
if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dgui=false >/dev/null
fi
rm -f build-asan/meson-logs/testlog.json
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0 \
  meson test -C build-asan --print-errorlogs --suite core --suite robustness --suite gui
count build-asan asan

section "valgrind: the command line"
rm -f build/meson-logs/testlog.json
# the cli tests start attnscope-cli through $ATTNSCOPE_CLI_WRAPPER
ATTNSCOPE_CLI_WRAPPER="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=$PWD/tests/valgrind.supp" \
  meson test -C build --print-errorlogs --suite cli --timeout-multiplier 20
count build valgrind

section "libFuzzer: loader and tokenizers"
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Dgui=false >/dev/null
fi
rm -f build-fuzz/meson-logs/testlog.json
meson test -C build-fuzz --print-errorlogs --suite fuzz --timeout-multiplier 5
count build-fuzz fuzz

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
