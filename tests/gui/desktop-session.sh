#!/usr/bin/env bash
# The real binary as a desktop runs it, under the private session bus and X
# server meson gives the GUI tests. Output: TAP.
#
#   desktop-session.sh settings ATTNSCOPE   the dark style is kept across
#       restarts (GSettings' keyfile backend in a temporary XDG_CONFIG_HOME),
#       the desktop's colour scheme decides it when the app never did, and
#       the Dark Style item (app.dark-style, read over D-Bus as the menu
#       reads it) shows the style in use
#   desktop-session.sh remote ATTNSCOPE     `attnscope MODEL` while one runs
#       is forwarded to it and exits non-zero when the model cannot be loaded
set -u
mode=$1
attnscope=$2
app_id=org.attnscope.AttnScope
object=/org/attnscope/AttnScope
n=0
fails=0
tmp=$(mktemp -d)
pid=
cleanup () {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

ok () { n=$((n + 1)); echo "ok $n $1"; }
not_ok () { n=$((n + 1)); echo "not ok $n $1"; fails=$((fails + 1)); }
check () { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

export XDG_CONFIG_HOME=$tmp/config
export GSETTINGS_BACKEND=keyfile
export LANG=C.UTF-8 LANGUAGE=

# Starts the viewer on tiny-hello, waits until it is on the bus and has a window.
start () {
  "$attnscope" "$ATTNSCOPE_MODELS_DIR/tiny-hello.json" > "$tmp/primary.log" 2>&1 &
  pid=$!
  gdbus wait --session --timeout 30 "$app_id" || return 1
  # the actions are exported once startup ran
  for _ in $(seq 100); do
    gdbus call --session --dest "$app_id" --object-path "$object" \
      --method org.gtk.Actions.Describe dark-style >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

# Quits it through app.quit and waits for it to exit.
stop () {
  gdbus call --session --dest "$app_id" --object-path "$object" \
    --method org.gtk.Actions.Activate quit '[]' '{}' >/dev/null 2>&1
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null; pid=; return 1; fi
  wait "$pid"
  local status=$?
  pid=
  return $status
}

# The state of app.dark-style: true or false.
dark_state () {
  gdbus call --session --dest "$app_id" --object-path "$object" \
    --method org.gtk.Actions.Describe dark-style | grep -o '<\(true\|false\)>' | tr -d '<>'
}

# How light the window looks, 0..1: the mean of a part of its background
# (without a window manager it sits at the top left of the screen).
brightness () {
  sleep 1.5
  import -window root -crop 300x200+5+60 +repage "$tmp/shot.png" 2>/dev/null &&
    convert "$tmp/shot.png" -colorspace Gray -format '%[fx:mean]' info: 2>/dev/null
}
is_dark () { awk -v b="$(brightness)" 'BEGIN { exit !(b != "" && b < 0.4) }'; }
is_light () { awk -v b="$(brightness)" 'BEGIN { exit !(b != "" && b > 0.7) }'; }

# What activating the menu item does (toggles the state).
toggle_dark () {
  gdbus call --session --dest "$app_id" --object-path "$object" \
    --method org.gtk.Actions.Activate dark-style '[]' '{}' >/dev/null
}

has_import=
command -v import >/dev/null && command -v convert >/dev/null && has_import=yes

case "$mode" in
settings)
  check "first run starts" start
  check "first run: light, nothing chosen yet" '[ "$(dark_state)" = false ]'
  [ -n "$has_import" ] && check "first run: the window is light" is_light
  toggle_dark
  check "the Dark Style item turns on" '[ "$(dark_state)" = true ]'
  [ -n "$has_import" ] && check "first run: the window turns dark" is_dark
  check "first run quits cleanly" stop
  check "the choice is in the keyfile" "grep -qx 'dark-style=true' '$XDG_CONFIG_HOME/glib-2.0/settings/keyfile'"

  check "second run starts" start
  check "second run: dark, as chosen in the first" '[ "$(dark_state)" = true ]'
  [ -n "$has_import" ] && check "second run: the window is dark" is_dark
  toggle_dark
  check "second run: turned off" '[ "$(dark_state)" = false ]'
  check "second run quits cleanly" stop

  if gsettings list-schemas 2>/dev/null | grep -qx org.gnome.desktop.interface; then
    gsettings set org.gnome.desktop.interface color-scheme prefer-dark
    check "third run starts (desktop prefers dark)" start
    check "third run: the app's own choice (light) wins over the desktop's at start" '[ "$(dark_state)" = false ]'
    check "third run quits cleanly" stop

    rm -rf "$XDG_CONFIG_HOME"
    gsettings set org.gnome.desktop.interface color-scheme prefer-dark
    check "fourth run starts (desktop prefers dark, no choice made in the app)" start
    check "fourth run: the Dark Style item shows the desktop's dark style" '[ "$(dark_state)" = true ]'
    [ -n "$has_import" ] && check "fourth run: the window is dark" is_dark
    gsettings set org.gnome.desktop.interface color-scheme prefer-light
    sleep 0.5
    check "fourth run: follows the desktop turning light" '[ "$(dark_state)" = false ]'
    check "fourth run quits cleanly" stop
  else
    echo "# org.gnome.desktop.interface is not installed: the desktop's colour scheme is not tested"
  fi
  ;;
remote)
  printf '{"format": "attnscope-model", "format_version": 1, "architecture": "gru-bahdanau"' > "$tmp/broken.json"
  check "the primary instance starts" start

  "$attnscope" "$tmp/broken.json" > "$tmp/remote.out" 2> "$tmp/remote.err"
  status=$?
  check "a broken model forwarded to the running instance exits non-zero (got $status)" '[ $status -ne 0 ]'
  check "and says which file and why on its stderr" "grep -q 'broken.json' '$tmp/remote.err'"
  sed "s/^/# stderr: /" "$tmp/remote.err"

  "$attnscope" "$tmp/missing.json" > /dev/null 2> "$tmp/remote.err"
  status=$?
  check "a missing model forwarded exits non-zero (got $status)" '[ $status -ne 0 ]'

  "$attnscope" "$ATTNSCOPE_MODELS_DIR/tiny-transformer.json" > /dev/null 2> "$tmp/remote.err"
  status=$?
  check "a good model forwarded exits 0 (got $status)" '[ $status -eq 0 ]'
  [ "$status" -ne 0 ] && sed 's/^/# /' "$tmp/remote.err"

  check "the primary instance is still running and quits cleanly" stop
  ;;
*)
  echo "usage: desktop-session.sh settings|remote ATTNSCOPE" >&2
  exit 2
  ;;
esac

echo "1..$n"
[ "$fails" -eq 0 ]
