#!/bin/bash
# Takes docs/screenshot-800x500.png and docs/screenshot-maximized.png: the
# real window under Xvfb with the bundled en-zh model and a sentence, at
# 800x500 and as large as the screen (1280x1024: Xvfb has no window manager
# to maximize it, so it is sized to the screen instead), plus 600x400 into
# $SHOTS (default: a temporary folder, printed) to look at.
#
#   tests/gui/update-window-screenshots.sh [BUILD_DIR] [SENTENCE]

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
xdotool key Escape End Page_Up

for size in 600x400 800x500 1280x1024; do
  xdotool windowsize --sync "$wid" "${size%x*}" "${size#*x}" || true
  sleep 1.5
  import -window "$wid" "$shots/window-$size.png"
done

mkdir -p "$source_root/docs"
cp "$shots/window-800x500.png" "$source_root/docs/screenshot-800x500.png"
cp "$shots/window-1280x1024.png" "$source_root/docs/screenshot-maximized.png"
echo "docs/screenshot-800x500.png, docs/screenshot-maximized.png; all sizes in $shots"
