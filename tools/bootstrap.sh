#!/usr/bin/env bash
# AttnScope's two set-up commands (see README.md), for a Debian 12 machine, as root:
#
#   bash tools/bootstrap.sh run    install what is missing, build, start the viewer
#   bash tools/bootstrap.sh test   install what is missing, build, run every test
#
# Both are idempotent: packages already present are not fetched again, and an
# up-to-date build is not rebuilt. The test run ends with "N passed, N failed".
set -euo pipefail

mode=${1:-run}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

build_packages=(
  gcc pkg-config meson ninja-build
  libglib2.0-dev libglib2.0-dev-bin libjson-glib-dev libcairo2-dev libpango1.0-dev
  libopenblas-dev libgtk-4-dev libxtst-dev fonts-noto-cjk gettext
)
test_packages=(
  python3 python3-torch python3-numpy
  xvfb xauth xdotool dbus dbus-daemon dbus-x11 imagemagick librsvg2-bin
  desktop-file-utils appstream locales poppler-utils shared-mime-info libglib2.0-bin libxml2-utils
  clang libclang-rt-14-dev valgrind
)

packages=("${build_packages[@]}")
[ "$mode" = test ] && packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -f build/build.ninja ]; then
  meson setup build
fi
# a main build configured without the viewer would lose its tests: never
if ! grep -q '"name": "gui", "value": true' build/meson-info/intro-buildoptions.json; then
  meson configure build -Dgui=true
fi
ninja -C build

case "$mode" in
  run)
    exec ./build/src/app/attnscope "${@:2}"
    ;;
  test)
    exec bash tests/run-all.sh
    ;;
  *)
    echo "usage: bash tools/bootstrap.sh run|test" >&2
    exit 2
    ;;
esac
