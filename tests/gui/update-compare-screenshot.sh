#!/bin/bash
# Takes docs/screenshot-compare.png: the real window under Xvfb with the
# bundled en-zh Transformer, its last layer's cross-attention pinned
# (Ctrl+Shift+P), the live view moved to layer 0 (a second `attnscope
# --layer 0`, sent to the running window) and Difference on (Alt+D), at the
# screen's size (1280x1024: side by side); plus 1100x720 (the default size)
# and 800x500 (the pinned view above the live one), each also in the dark
# style, into $SHOTS (default: a temporary folder, printed) to look at.
#
#   tests/gui/update-compare-screenshot.sh [BUILD_DIR] [SENTENCE]

set -eu

here=$(cd "$(dirname "$0")" && pwd)
source_root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$source_root/build}" && pwd)

if [ -z "${ATTNSCOPE_IN_XVFB:-}" ]; then
  export ATTNSCOPE_IN_XVFB=1
  exec dbus-run-session -- xvfb-run -a -s '-screen 0 1280x1024x24 -nolisten tcp' "$0" "$build" "${2:-}"
fi

model=$source_root/data/models/en-zh-transformer.json
sentence=${2:-"i am hungry ."}
shots=${SHOTS:-$(mktemp -d)}

export GSK_RENDERER=cairo GSETTINGS_BACKEND=memory GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1
export GSETTINGS_SCHEMA_DIR=$build/data/settings

shoot () {
  local style=$1
  "$build/src/app/attnscope" "$model" --sentence "$sentence" 2>"$shots/stderr-$style" &
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
  xdotool windowsize --sync "$wid" 1100 720 || true
  sleep 3
  xdotool mousemove 1279 1023
  xdotool windowfocus --sync "$wid"
  xdotool key Escape ctrl+shift+p
  sleep 1
  "$build/src/app/attnscope" --layer 0 2>>"$shots/stderr-$style"
  sleep 1
  xdotool key alt+d
  sleep 1.5
  import -window "$wid" "$shots/compare-$style-1100x720.png"
  xdotool windowsize --sync "$wid" 1280 1024 || true
  sleep 1.5
  import -window "$wid" "$shots/compare-$style-1280x1024.png"
  xdotool windowsize --sync "$wid" 800 500 || true
  sleep 1.5
  import -window "$wid" "$shots/compare-$style-800x500.png"
  kill $pid
  wait $pid 2>/dev/null || true
  trap - EXIT
}

shoot light
# the settings are in memory, one process's: the dark style by the theme
GTK_THEME=Adwaita:dark shoot dark

mkdir -p "$source_root/docs"
cp "$shots/compare-light-1280x1024.png" "$source_root/docs/screenshot-compare.png"
echo "docs/screenshot-compare.png; all in $shots"
