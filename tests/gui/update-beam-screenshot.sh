#!/bin/bash
# Takes docs/screenshot-beam-tree.png: the real window under Xvfb with the
# bundled en-zh model, a sentence and a beam of 4 (chosen as a person does:
# Alt+A, the width, Tab), the Tree page beside the heatmap, at 800x500 and
# 1100x720; in dark style too with DARK=1 (into $SHOTS only).
#
#   tests/gui/update-beam-screenshot.sh [BUILD_DIR] [SENTENCE]

set -eu

here=$(cd "$(dirname "$0")" && pwd)
source_root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$source_root/build}" && pwd)

if [ -z "${ATTNSCOPE_IN_XVFB:-}" ]; then
  export ATTNSCOPE_IN_XVFB=1
  exec dbus-run-session -- xvfb-run -a -s '-screen 0 1280x1024x24 -nolisten tcp' "$0" "$build" "${2:-}"
fi

model=$source_root/data/models/en-zh-gru.json
sentence=${2:-"i am hungry ."}
shots=${SHOTS:-$(mktemp -d)}

export GSK_RENDERER=cairo GSETTINGS_BACKEND=memory GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1
export GSETTINGS_SCHEMA_DIR=$build/data/settings
if [ -n "${DARK:-}" ]; then
  export GTK_THEME=Adwaita:dark
fi

"$build/src/app/attnscope" "$model" --sentence "$sentence" 2>"$shots/stderr" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT

wid=
for _ in $(seq 150); do
  wid=$(xdotool search --onlyvisible --name 'AttnScope$' 2>/dev/null | head -n 1)
  [ -n "$wid" ] && break
  sleep 0.1
done
[ -n "$wid" ] || { echo "the window did not open" >&2; exit 1; }
xdotool windowmove "$wid" 0 0
sleep 3
xdotool mousemove 1279 1023
xdotool windowfocus --sync "$wid"
xdotool key alt+a ctrl+a
xdotool type 4
xdotool key Tab
sleep 2

for size in 800x500 1100x720; do
  xdotool windowsize --sync "$wid" "${size%x*}" "${size#*x}" || true
  sleep 1.5
  import -window "$wid" "$shots/beam-$size${DARK:+-dark}.png"
done

# the panel widened as a person drags the divider, so that the whole tree
# shows: the divider is the first line from the right, 600 pixels down
# (under the tree, over nothing but the panel's background)
edge=$(python3 - "$shots/beam-1100x720${DARK:+-dark}.png" <<'PY' 2>/dev/null || echo ""
import subprocess, sys
out = subprocess.run(["convert", sys.argv[1], "-crop", "1100x1+0+600", "txt:-"], capture_output=True, text=True).stdout
px = {}
for line in out.splitlines()[1:]:
    xy, rest = line.split(":", 1)
    px[int(xy.split(",")[0])] = rest.split()[1]
for x in range(1080, 600, -1):
    if px.get(x) != px.get(x + 1):
        print(x)
        break
PY
)
if [ -n "$edge" ]; then
  xdotool mousemove --window "$wid" "$edge" 400 mousedown 1 mousemove --window "$wid" $((edge - 240)) 400 mouseup 1
  sleep 1.5
  import -window "$wid" "$shots/beam-1100x720${DARK:+-dark}.png"
fi

if [ -z "${DARK:-}" ]; then
  mkdir -p "$source_root/docs"
  cp "$shots/beam-1100x720.png" "$source_root/docs/screenshot-beam-tree.png"
  echo "docs/screenshot-beam-tree.png; all sizes in $shots"
else
  echo "dark: $shots"
fi
