#!/bin/bash
# End to end, the real binary under Xvfb (run inside dbus-run-session and
# xvfb-run by meson): start attnscope, type a sentence with xdotool, step
# with the keys, hover a cell, export through the window's own "export-to"
# action (a second `attnscope --export-to=FILE` is forwarded to the running
# instance, which runs win.export-to), and check the file and screenshots.
# Nothing critical or warning may be printed.
#
# usage: e2e-viewer.sh ATTNSCOPE SCREENSHOT-PROBE

set -u

bin=$1
probe=$2
models=${ATTNSCOPE_MODELS_DIR:?}

# the bundled model and what it translates (hand-checked, as in tests/golden)
model=$models/en-zh-gru.json
sentence="i am hungry ."
translation="我饿了。"
rows=5   # 我 饿 了 。 EOS

tmp=$(mktemp -d)
pid=
cleanup () {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
  # E2E_KEEP=DIR keeps the screenshots and the export, to look at
  if [ -n "${E2E_KEEP:-}" ]; then cp "$tmp"/*.png "$tmp"/*.svg "$E2E_KEEP"/ 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

n=0
ok () { n=$((n + 1)); echo "ok $n - $*"; }
fail () {
  echo "not ok - $*"
  [ -s "$tmp/stderr" ] && sed 's/^/# app: /' "$tmp/stderr"
  exit 1
}

export G_DEBUG=fatal-criticals

find_window () {
  wid=
  for _ in $(seq 150); do
    # the title is "SENTENCE — MODEL — AttnScope" once a model is loaded
    wid=$(xdotool search --onlyvisible --name 'AttnScope$' 2>/dev/null | head -n 1)
    [ -n "$wid" ] && break
    sleep 0.1
  done
  [ -n "$wid" ] || fail "the window did not open"
}

quit () {
  xdotool windowfocus --sync "$wid"
  xdotool key --clearmodifiers ctrl+q
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  wait "$pid"
  status=$?
  pid=
  [ "$status" -eq 0 ] || fail "attnscope exited with $status"
  if grep -E "CRITICAL|WARNING|Gtk-|GLib-" "$tmp/stderr"; then
    fail "attnscope printed criticals or warnings"
  fi
}

# Without its default model, the window opens and says so.
ATTNSCOPE_MODELS_DIR=$tmp/no-models "$bin" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
find_window
sleep 1.5
quit
ok "without the default model the window opens, nothing critical printed"

"$bin" "$model" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
find_window
xdotool windowmove "$wid" 0 0
xdotool windowfocus --sync "$wid"
sleep 2   # the model loads in a thread, the example sentence is translated
ok "the window opened with $(basename "$model")"

# The sentence entry has the focus: replace the example with the sentence.
xdotool key --clearmodifiers ctrl+a
xdotool type --delay 40 "$sentence"
sleep 0.6

# At the last step no row is dimmed: every cell is in the colour map.
import -window root "$tmp/typed.png" || fail "no screenshot"
read -r x y w h count < <("$probe" heatmap "$tmp/typed.png") || fail "no heatmap cells on screen"
[ "$count" -gt 400 ] || fail "the heatmap area is nearly blank ($count colour-map pixels)"
ok "the heatmap is on screen: ${w}x${h} at $x,$y, $count colour-map pixels"

# Escape leaves the entry for the heatmap, whose arrow keys move its cell
# cursor; Home is step 1, Page Down twice step 3.
xdotool key Escape Home Page_Down Page_Down
sleep 0.5
import -window root "$tmp/before.png" || fail "no screenshot"

# Hover the middle of the cells: highlight and tooltip.
xdotool mousemove $((x + w / 2)) $((y + h / 2))
sleep 1.5
import -window root "$tmp/hover.png" || fail "no screenshot"
changed=$("$probe" diff "$tmp/before.png" "$tmp/hover.png" $((x - 250)) $((y - 150)) $((w + 500)) $((h + 300)))
[ "$changed" -gt 100 ] || fail "hovering a cell changed nothing on screen ($changed pixels)"
ok "hovering a cell highlights it ($changed pixels changed)"

# Export the view through the running window's action.
"$bin" --export-to="$tmp/view.svg" || fail "attnscope --export-to failed"
[ -s "$tmp/view.svg" ] || fail "no SVG written"
rsvg-convert --format=png --output="$tmp/view.png" "$tmp/view.svg" || fail "the SVG does not render"
read -r _ _ _ _ rendered < <("$probe" heatmap "$tmp/view.png") || fail "the rendered SVG has no cells"
[ "$rendered" -gt 400 ] || fail "the rendered SVG has few cells ($rendered pixels)"
ok "the exported SVG renders, $rendered colour-map pixels"

for word in $sentence; do
  grep -qF -- " $word" "$tmp/view.svg" || fail "“$word” is not in the SVG"
done
grep -qF "<title>Attention: $sentence → $translation</title>" "$tmp/view.svg" ||
  fail "the SVG's title is not the typed sentence and its translation $translation"
grep -qF "Shown at step 3 of" "$tmp/view.svg" || fail "the SVG is not at step 3"
ok "the SVG has the typed tokens, the translation $translation and is at step 3"

# A click on a row of cells shows that step: the first row, then the last.
# (Each export shows "Saved" above the entries for 6 s, which moves the
# heatmap down: the clicks wait until it has gone.)
for row in 1 $rows; do
  sleep 7
  xdotool mousemove --sync $((x + w / 2)) $((y + h * (2 * row - 1) / (2 * rows)))
  sleep 0.3
  xdotool click 1
  sleep 0.5
  sleep 0.5
  "$bin" --export-to="$tmp/click-$row.svg" || fail "attnscope --export-to failed"
  grep -qF "Shown at step $row of $rows" "$tmp/click-$row.svg" ||
    fail "a click on row $row did not show step $row: $(grep -o 'Shown at step [0-9]* of [0-9]*' "$tmp/click-$row.svg")"
done
ok "clicking the first and the last row of cells shows steps 1 and $rows"

# The keyboard alone. (Each export shows "Saved" for 6 s; keys do not mind.)
export_step () {
  "$bin" --export-to="$tmp/$1.svg" || fail "attnscope --export-to failed"
  grep -o 'Shown at step [0-9]* of [0-9]*' "$tmp/$1.svg"
}
title_of () { grep -o '<title>[^<]*</title>' "$tmp/$1.svg"; }

xdotool mousemove 1279 1023   # the pointer out of the way: no hover
xdotool windowfocus --sync "$wid"
xdotool key --clearmodifiers ctrl+l   # the sentence's entry
sleep 0.3
# the title names the sentence and the model
xdotool search --name "^$sentence — en-zh-gru — AttnScope\$" >/dev/null ||
  fail "the title does not name the sentence and the model: $(xdotool getwindowname "$wid")"
# Page Up steps back even from the entry; End in the entry moves its caret only
xdotool key End Page_Up
sleep 0.3
[ "$(export_step keys-1)" = "Shown at step $((rows - 1)) of $rows" ] ||
  fail "Page Up in the entry did not show step $((rows - 1)): $(export_step keys-1)"
xdotool key Page_Down
sleep 0.3
[ "$(export_step keys-2)" = "Shown at step $rows of $rows" ] || fail "Page Down did not show the last step"
ok "Page Up and Page Down step from the sentence's entry"

# Tab: your translation, Max steps, Beam, the heatmap, the side panel's
# tabs, the candidates (one stop)
xdotool key Tab Tab Tab Tab Tab Tab
sleep 0.3
xdotool key Page_Up   # step 4: 。 came out; Down, Return picks the next candidate
sleep 0.3
xdotool key Down Return
sleep 0.6
title_of keys-3 >/dev/null 2>&1; export_step keys-3 >/dev/null
picked=$(title_of keys-3)
[ "$picked" != "<title>Attention: $sentence → $translation</title>" ] ||
  fail "Tab to the candidates, Down and Return did not pick another candidate: $picked"
# the focus stayed in the list: Down Return again picks another one
xdotool key Down Return
sleep 0.6
export_step keys-4 >/dev/null
[ "$(title_of keys-4)" != "$picked" ] || fail "the focus left the candidates after picking one"
# Ctrl+Z (outside the text fields) goes back to the model's translation
xdotool key ctrl+z
sleep 0.6
export_step keys-5 >/dev/null
grep -qF "<title>Attention: $sentence → $translation</title>" "$tmp/keys-5.svg" ||
  fail "Ctrl+Z did not bring the model's translation back: $(title_of keys-5)"
ok "Tab reaches the candidates as one stop; Down and Return pick one, twice; Ctrl+Z goes back"

# Home steps (the focus is in the list), one Tab leaves the list for Play:
# Space there plays the steps to the end (in the list it would pick a row)
xdotool key Home
sleep 0.3
[ "$(export_step keys-6)" = "Shown at step 1 of $rows" ] || fail "Home in the candidates did not show step 1: $(export_step keys-6)"
xdotool key Tab space
sleep $((rows + 1))
[ "$(export_step keys-7)" = "Shown at step $rows of $rows" ] || fail "Tab, Space did not play to the end: $(export_step keys-7)"
grep -qF "<title>Attention: $sentence → $translation</title>" "$tmp/keys-7.svg" ||
  fail "Tab did not leave the candidates: Space picked one: $(title_of keys-7)"
ok "Home steps from the candidates; one Tab leaves them for Play, which Space presses"

# Sizes: at 800x500 typing a long sentence key by key never resizes the
# window, and the heatmap is on screen; at the screen's size (Xvfb has no
# window manager to maximize it) the figure grows.
geometry () { xdotool getwindowgeometry "$wid" | sed -n 's/.*Geometry: //p'; }
xdotool windowsize --sync "$wid" 800 500
sleep 1
xdotool key --clearmodifiers ctrl+l ctrl+a
before=$(geometry)
xdotool type --delay 15 "i am hungry . he is a teacher . we are friends . zyx qqq i am hungry . he is a teacher ."
sleep 0.6
[ "$(geometry)" = "$before" ] || fail "typing resized the window: $before, then $(geometry)"
xdotool key --clearmodifiers ctrl+a
xdotool type --delay 15 "$sentence"
sleep 6   # the last export's "Saved" line goes away
import -window root "$tmp/size-800x500.png" || fail "no screenshot"
read -r _ _ w800 h800 count < <("$probe" heatmap "$tmp/size-800x500.png") || fail "no heatmap at 800x500"
[ "$count" -gt 100 ] || fail "the heatmap is nearly gone at 800x500 ($count pixels)"
xdotool windowsize --sync "$wid" 1280 1024
sleep 1
import -window root "$tmp/size-screen.png" || fail "no screenshot"
read -r _ _ wmax hmax count < <("$probe" heatmap "$tmp/size-screen.png") || fail "no heatmap at the screen's size"
[ "$wmax" -gt "$w800" ] || fail "the figure did not grow with the window (${w800}px, then ${wmax}px wide)"
ok "typing at 800x500 keeps the window at $before; at the screen's size the figure grows (${w800} to ${wmax} px wide)"
xdotool windowsize --sync "$wid" 1100 720
sleep 0.5

# F1 opens the help, Escape closes it
xdotool key F1
for _ in $(seq 30); do xdotool search --onlyvisible --name '^AttnScope Help$' >/dev/null 2>&1 && break; sleep 0.1; done
help=$(xdotool search --onlyvisible --name '^AttnScope Help$' | head -n 1)
[ -n "$help" ] || fail "F1 opened no help window"
xdotool windowfocus --sync "$help"
xdotool key Escape
sleep 0.5
! xdotool search --onlyvisible --name '^AttnScope Help$' >/dev/null 2>&1 || fail "Escape did not close the help"
xdotool windowfocus --sync "$wid"
ok "F1 opens the help page, Escape closes it"

# Export to a place that cannot be written: an error, and the app stays up.
if "$bin" --export-to=/proc/attnscope-e2e.svg 2>"$tmp/export-error"; then
  fail "exporting to /proc succeeded"
fi
grep -qF "/proc/attnscope-e2e.svg" "$tmp/export-error" || fail "the export error does not name the file"
kill -0 "$pid" || fail "the viewer died"
ok "a failed export reports its error"

# Ctrl+W closes the window (and so the application)
xdotool windowfocus --sync "$wid"
xdotool key --clearmodifiers ctrl+w
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "Ctrl+W did not close the window"
wait "$pid"
status=$?
pid=
[ "$status" -eq 0 ] || fail "attnscope exited with $status after Ctrl+W"
if grep -E "CRITICAL|WARNING|Gtk-|GLib-" "$tmp/stderr"; then
  fail "attnscope printed criticals or warnings"
fi
ok "Ctrl+W closed the window cleanly, nothing critical or warning printed"

# The bundled Transformer by its name, a typed sentence (it translates it
# as the GRU does, tests/golden), another kind and layer, then every head as
# a grid, exported.
"$bin" en-zh-transformer >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
find_window
xdotool windowmove "$wid" 0 0
xdotool windowfocus --sync "$wid"
sleep 2
xdotool key --clearmodifiers ctrl+a
xdotool type --delay 40 "$sentence"
sleep 0.6
"$bin" --kind encoder-self --layer 0 --head 1 || fail "attnscope --kind failed"
sleep 0.5
"$bin" --export-to="$tmp/head.svg" || fail "attnscope --export-to failed"
grep -qF "<title>Attention: $sentence → $translation</title>" "$tmp/head.svg" ||
  fail "the Transformer's SVG title is not the typed sentence and its translation"
grep -qE "<desc>Encoder self-attention · layer 0 [^·]*· head 1 " "$tmp/head.svg" ||
  fail "the SVG does not say it shows encoder self-attention, layer 0, head 1: $(grep -o '<desc>[^.]*' "$tmp/head.svg")"
ok "en-zh-transformer by name: $translation; encoder self-attention of layer 0, head 1 exported"

"$bin" --kind encoder-self --grid || fail "attnscope --grid failed"
sleep 0.5
"$bin" --export-to="$tmp/grid.svg" || fail "attnscope --export-to failed"
rsvg-convert --format=png --output="$tmp/grid.png" "$tmp/grid.svg" || fail "the grid's SVG does not render"
grep -qF "Encoder self-attention · all 2 layers × 4 heads" "$tmp/grid.svg" ||
  fail "the grid's SVG does not say it shows every layer and head: $(grep -o '<desc>[^.]*' "$tmp/grid.svg")"
read -r _ _ _ _ rendered < <("$probe" heatmap "$tmp/grid.png") || fail "the rendered grid has no cells"
[ "$rendered" -gt 400 ] || fail "the rendered grid has few cells ($rendered pixels)"
ok "every layer and head as a grid of 8 panels, exported as SVG that renders ($rendered colour-map pixels)"

quit
ok "quit cleanly after the Transformer, nothing critical or warning printed"
echo "1..$n"
