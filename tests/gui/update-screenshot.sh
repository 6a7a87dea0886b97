#!/bin/bash
# Takes docs/screenshot.png: the real window under Xvfb, with the bundled
# en-zh model (tiny-hello if it is not there), a sentence, a step and the
# pointer on a cell. Run it again whenever the window changes:
#
#   tests/gui/update-screenshot.sh [BUILD_DIR] [SENTENCE]
#
# (It runs itself inside dbus-run-session and xvfb-run.)

set -eu

here=$(cd "$(dirname "$0")" && pwd)
source_root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$source_root/build-gui}" && pwd)

if [ -z "${ATTNSCOPE_IN_XVFB:-}" ]; then
  export ATTNSCOPE_IN_XVFB=1
  exec dbus-run-session -- xvfb-run -a -s '-screen 0 1280x1024x24 -nolisten tcp' "$0" "$build" "${2:-}"
fi

models=$source_root/data/models
if [ -f "$models/en-zh-gru.json" ]; then
  model=$models/en-zh-gru.json
  sentence=${2:-"i am hungry ."}
else
  model=$models/tiny-hello.json
  sentence=${2:-"hello world !"}
fi

export GSK_RENDERER=cairo GSETTINGS_BACKEND=memory GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1

tmp=$(mktemp -d)
"$build/src/app/attnscope" "$model" --sentence "$sentence" 2>"$tmp/stderr" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT

wid=
for _ in $(seq 150); do
  wid=$(xdotool search --onlyvisible --name 'AttnScope$' 2>/dev/null | head -n 1)
  [ -n "$wid" ] && break
  sleep 0.1
done
[ -n "$wid" ] || { echo "the window did not open" >&2; exit 1; }
xdotool windowmove "$wid" 0 0
sleep 3

# at the second-to-last step, pointer on a cell of the current row
import -window root "$tmp/screen.png"
read -r x y w h _ < <("$build/tests/gui/screenshot-probe" heatmap "$tmp/screen.png")
xdotool windowfocus --sync "$wid"
xdotool key Escape End Page_Up
sleep 0.5
xdotool mousemove $((x + w / 3)) $((y + h / 2))
sleep 1.5

mkdir -p "$source_root/docs"
import -window "$wid" "$source_root/docs/screenshot.png"
echo "docs/screenshot.png: $(basename "$model"), “$sentence”"
