#!/usr/bin/env bash
# The translations are complete and well-formed: every string that the
# sources of po/POTFILES.in mark for translation (extracted here with
# xgettext, as `meson compile attnscope-pot` does, into a temporary file)
# has a translation in each po/<lang>.po that is neither missing nor fuzzy,
# and msgfmt accepts the file (formats included). Output: TAP.
#
#   po-check.sh SOURCE_ROOT
set -u
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0

cd "$root" || exit 1
grep -v '^#' po/POTFILES.in | grep -v '^ *$' > "$tmp/files"
# the keywords of meson's "glib" preset
if ! xgettext --from-code=UTF-8 --add-comments=Translators --package-name=attnscope \
     --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
     --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 --flag=N_:1:pass-c-format \
     --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format --flag=g_dngettext:2:pass-c-format \
     --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
     --flag=g_string_append_printf:2:c-format --flag=g_error_new:3:c-format \
     --flag=g_set_error:4:c-format --flag=g_markup_printf_escaped:1:c-format \
     --files-from="$tmp/files" -o "$tmp/attnscope.pot" 2> "$tmp/xgettext.err"; then
  echo "not ok 1 xgettext could not read the sources: $(head -3 "$tmp/xgettext.err")"
  echo "1..1"
  exit 1
fi
total=$(grep -c '^msgid ' "$tmp/attnscope.pot")

while read -r lang; do
  case "$lang" in ''|'#'*) continue ;; esac
  po=po/$lang.po
  n=$((n + 1))
  if msgfmt --check --output-file=/dev/null "$po" 2> "$tmp/msgfmt.err"; then
    echo "ok $n $lang.po: msgfmt --check accepts it"
  else
    echo "not ok $n $lang.po: msgfmt --check refuses it"
    sed 's/^/# /' "$tmp/msgfmt.err"
    fails=$((fails + 1))
  fi

  n=$((n + 1))
  msgmerge --quiet --no-fuzzy-matching "$po" "$tmp/attnscope.pot" -o "$tmp/$lang.po" 2>/dev/null
  msgattrib --untranslated --no-obsolete "$tmp/$lang.po" -o "$tmp/untranslated.po" 2>/dev/null
  msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" -o "$tmp/fuzzy.po" 2>/dev/null
  missing=$( { [ -s "$tmp/untranslated.po" ] && msgcat --no-wrap "$tmp/untranslated.po"; [ -s "$tmp/fuzzy.po" ] && msgcat --no-wrap "$tmp/fuzzy.po"; } |
             grep '^msgid "..*"' | sed 's/^msgid //')
  if [ -z "$missing" ]; then
    echo "ok $n $lang.po translates all $((total - 1)) strings marked in the sources"
  else
    echo "not ok $n $lang.po lacks $(echo "$missing" | wc -l) of the $((total - 1)) strings marked in the sources" \
         "(meson compile -C build attnscope-update-po, then translate them; see po/README.md):"
    echo "$missing" | sed 's/^/# /'
    fails=$((fails + 1))
  fi
done < po/LINGUAS

echo "1..$n"
[ "$fails" -eq 0 ]
