#!/usr/bin/env bash
# The MIME type of model files (data/mime/org.attnscope.AttnScope.xml), as
# GIO sees it once installed: a MIME database is built with
# update-mime-database from the system's freedesktop.org.xml and our package,
# in a temporary XDG data folder that is the only one GIO reads, and
# `gio info` (g_file_query_info's standard::content-type, which is
# g_content_type_guess on the name and, when the name is ambiguous, the first
# bytes) must give application/x-attnscope-model for every bundled model and
# application/json for ordinary JSON. Output: TAP.
#
#   mime-check.sh PACKAGE.xml MODELS_DIR
set -u
package=$1
models=$2
n=0
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

system_package=
for d in ${XDG_DATA_DIRS:-/usr/local/share:/usr/share} /usr/share; do
  d=${d//:/ }
  for dd in $d; do
    if [ -z "$system_package" ] && [ -f "$dd/mime/packages/freedesktop.org.xml" ]; then
      system_package=$dd/mime/packages/freedesktop.org.xml
    fi
  done
done
if [ -z "$system_package" ]; then
  echo "1..0 # SKIP freedesktop.org.xml (shared-mime-info) is not installed"
  exit 0
fi

# $1: the name of a test; $2: the database folder; $3: a file; $4: the type expected
expect_type () {
  n=$((n + 1))
  local got
  got=$(env XDG_DATA_HOME="$2" XDG_DATA_DIRS="$2" gio info -a standard::content-type "$3" 2>&1 |
        sed -n 's/^ *standard::content-type: //p')
  if [ "$got" = "$4" ]; then
    echo "ok $n $1"
  else
    echo "not ok $n $1: $4 expected, ${got:-nothing} found"
    fails=$((fails + 1))
  fi
}

build_db () {
  mkdir -p "$1/mime/packages"
  cp "$system_package" "$1/mime/packages/"
  [ -n "${2:-}" ] && cp "$2" "$1/mime/packages/"
  update-mime-database "$1/mime" >/dev/null 2>&1
}

ours=$tmp/ours
build_db "$ours" "$package"
plain=$tmp/system
build_db "$plain"

mkdir "$tmp/files"
printf '{\n  "name": "a list of things",\n  "items": [1, 2, 3]\n}\n' > "$tmp/files/ordinary.json"
printf '{"format":"geojson","type":"FeatureCollection"}\n' > "$tmp/files/other-format.json"
printf '{"format": "attnscope-model", "format_version": 1}\n' > "$tmp/files/exported.attnscope.json"
cp "$models/tiny-hello.json" "$tmp/files/renamed-model.json"

for model in "$models"/*.json; do
  expect_type "bundled $(basename "$model") is a model" "$ours" "$model" application/x-attnscope-model
done
expect_type "a model under another name (\"format\" with a space) is a model" "$ours" "$tmp/files/renamed-model.json" application/x-attnscope-model
expect_type "*.attnscope.json is a model" "$ours" "$tmp/files/exported.attnscope.json" application/x-attnscope-model
expect_type "an ordinary JSON file stays application/json" "$ours" "$tmp/files/ordinary.json" application/json
expect_type "JSON with another \"format\" stays application/json" "$ours" "$tmp/files/other-format.json" application/json
# the check itself: without our package the same model is plain JSON
expect_type "without our package a bundled model is application/json" "$plain" "$models/tiny-hello.json" application/json

echo "1..$n"
[ "$fails" -eq 0 ]
