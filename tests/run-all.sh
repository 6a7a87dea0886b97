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
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

passed=0
failed=0
export GSK_RENDERER=cairo GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1

# count BUILD: adds the results of BUILD's last `meson test` to the totals
count () {
  local log="$1/meson-logs/testlog.json"
  if [ ! -s "$log" ]; then
    echo "no test results in $log" >&2
    failed=$((failed + 1))
    return
  fi
  # a TAP test counts its "ok"/"not ok" lines; any other test counts once
  read -r p f < <(/usr/bin/python3 - "$log" <<'PY'
import json, re, sys
p = f = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    oks = re.findall(r"^(not ok|ok)\b(?!.*# SKIP)", r.get("stdout") or "", re.M)
    good = r["result"] in ("OK", "EXPECTEDFAIL", "SKIP")
    if oks:
        p += oks.count("ok")
        f += oks.count("not ok")
    if not good and not oks.count("not ok"):
        f += 1  # crashed, timed out or failed without saying which part
    elif not oks and r["result"] != "SKIP":
        p += 1
print(p, f)
PY
)
  passed=$((passed + p))
  failed=$((failed + f))
}

section () { printf '\n==== %s ====\n' "$1"; }

section "main build: every suite"
rm -f build/meson-logs/testlog.json
dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1200x24" \
  meson test -C build --print-errorlogs --num-processes 2
count build

section "meson install: an installed build works from any folder"
# its own build, installed into a temporary prefix; run from / with no hint
# where the models are, it must find the installed ones
install_log=build-install/meson-logs/testlog.json
prefix=$(mktemp -d)
rm -rf build-install
if meson setup build-install --prefix "$prefix" >/dev/null && ninja -C build-install install >/dev/null; then
  (cd / && env -u ATTNSCOPE_MODELS_DIR bash "$root/tests/install-check.sh" "$prefix") > build-install/install-check.tap
  /usr/bin/python3 - build-install/install-check.tap "$install_log" <<'PY'
import json, sys
out = open(sys.argv[1]).read()
json.dump({"name": "install-check", "stdout": out, "result": "OK" if "not ok" not in out else "FAIL"}, open(sys.argv[2], "w"))
PY
  cat build-install/install-check.tap
  count build-install
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
count build-asan

section "valgrind: the command line"
rm -f build/meson-logs/testlog.json
# the cli tests start attnscope-cli through $ATTNSCOPE_CLI_WRAPPER
ATTNSCOPE_CLI_WRAPPER="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=$PWD/tests/valgrind.supp" \
  meson test -C build --print-errorlogs --suite cli --timeout-multiplier 20
count build

section "libFuzzer: loader and tokenizers"
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Dgui=false >/dev/null
fi
rm -f build-fuzz/meson-logs/testlog.json
meson test -C build-fuzz --print-errorlogs --suite fuzz --timeout-multiplier 5
count build-fuzz

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
