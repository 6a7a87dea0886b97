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
check "desktop file translated into Chinese" "grep -q '^Comment\[zh_CN\]=' '$share/applications/org.attnscope.AttnScope.desktop'"
check "desktop file claims only the model files' MIME type" "grep -qx 'MimeType=application/x-attnscope-model;' '$share/applications/org.attnscope.AttnScope.desktop'"
check "metainfo translated into Chinese" "grep -q 'xml:lang=\"zh_CN\"' '$share/metainfo/org.attnscope.AttnScope.metainfo.xml'"
check "MIME package installed" "test -s '$share/mime/packages/org.attnscope.AttnScope.xml'"
check "MIME database updated with the model type" "test -s '$share/mime/application/x-attnscope-model.xml'"
check "Chinese translation installed" "test -s '$share/locale/zh_CN/LC_MESSAGES/attnscope.mo'"
check "icon installed" "test -s '$share/icons/hicolor/scalable/apps/org.attnscope.AttnScope.svg'"
check "installed cli translates with the installed default model from /" \
  "cd / && '$prefix/bin/attnscope-cli' translate 'i am hungry .' | head -1 | grep -qx '我饿了。'"
check "installed cli names the installed model folder" \
  "cd / && '$prefix/bin/attnscope-cli' info | grep -q 'file: $share/attnscope/models/en-zh-gru.json'"
check "installed cli lists the installed models by name" \
  "cd / && '$prefix/bin/attnscope-cli' info --list | grep -q '^en-zh-transformer  *transformer '"
check "installed cli runs a bundled model by its name from /" \
  "cd / && '$prefix/bin/attnscope-cli' translate tiny-transformer 'hello world !' | head -1 | grep -qx 'monde'"
# the installed viewer finds the installed translation (a Chinese locale made
# with localedef into a temporary folder)
locales=$(mktemp -d)
if localedef -i zh_CN -f UTF-8 "$locales/zh_CN.UTF-8" >/dev/null 2>&1; then
  check "installed viewer speaks Chinese under LANG=zh_CN.UTF-8" \
    "cd / && env -u LANGUAGE LOCPATH='$locales' LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 '$prefix/bin/attnscope' --help | grep -q '翻译这个句子'"
else
  n=$((n + 1)); echo "not ok $n a Chinese locale could not be made with localedef (Debian's package locales)"; fails=$((fails + 1))
fi
rm -rf "$locales"
echo "1..$n"
[ "$fails" -eq 0 ]
