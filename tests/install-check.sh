#!/usr/bin/env bash
# Checks an installed AttnScope (tests/run-all.sh installs one into PREFIX):
# the files are where a desktop expects them, and the command line finds the
# installed default model from any working folder. Output: TAP.
#
#   install-check.sh PREFIX
set -u
prefix=$1
n=0
fails=0
check () {
  n=$((n + 1))
  if eval "$2" >/dev/null 2>&1; then echo "ok $n $1"; else echo "not ok $n $1"; fails=$((fails + 1)); fi
}
share=$prefix/share
check "attnscope binary installed" "test -x '$prefix/bin/attnscope'"
check "attnscope-cli installed" "test -x '$prefix/bin/attnscope-cli'"
check "default model installed" "test -s '$share/attnscope/models/en-zh-gru.json'"
check "example model installed" "test -s '$share/attnscope/models/tiny-hello.json'"
check "transformer models installed" "test -s '$share/attnscope/models/en-zh-transformer.json' && test -s '$share/attnscope/models/tiny-transformer.json'"
check "desktop file installed" "test -s '$share/applications/org.attnscope.AttnScope.desktop'"
check "metainfo installed" "test -s '$share/metainfo/org.attnscope.AttnScope.metainfo.xml'"
check "icon installed" "test -s '$share/icons/hicolor/scalable/apps/org.attnscope.AttnScope.svg'"
check "installed cli translates with the installed default model from /" \
  "cd / && '$prefix/bin/attnscope-cli' translate 'i am hungry .' | head -1 | grep -qx '我饿了。'"
check "installed cli names the installed model folder" \
  "cd / && '$prefix/bin/attnscope-cli' info | grep -q 'file: $share/attnscope/models/en-zh-gru.json'"
check "installed cli lists the installed models by name" \
  "cd / && '$prefix/bin/attnscope-cli' info --list | grep -q '^en-zh-transformer  *transformer '"
check "installed cli runs a bundled model by its name from /" \
  "cd / && '$prefix/bin/attnscope-cli' translate tiny-transformer 'hello world !' | head -1 | grep -qx 'monde'"
echo "1..$n"
[ "$fails" -eq 0 ]
