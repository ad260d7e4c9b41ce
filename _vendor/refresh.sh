#!/usr/bin/env bash
# Re-fetch the vendored JavaScript from the npm registry (`make vendor`; needs Node, npm and
# the registry; building or reading the book never does).
#
# The versions are pinned exactly in _vendor/package.json and, with their integrity hashes,
# in _vendor/package-lock.json. To change one: edit package.json, run
# `npm install --package-lock-only --ignore-scripts` in _vendor/, then this script.
# `npm ci` runs in a temporary copy, so node_modules never lands in the repository.
#
#   html/  published at the site root (html_extra_path in _config.yml):
#          jupyter-widgets/  @jupyter-widgets/html-manager embed-amd.js + fonts, requirejs
#                            require.js (setup.js and the LICENSE-*.txt headers are ours)
#          mathjax/          mathjax es5/tex-mml-chtml.js + woff-v2 fonts, and es5/ui/lazy.js
#                            (lazy typesetting, loaded by MathJax itself: mathjax3_config in _config.yml)
#   test/  used by the tests only, never published: axe-core/axe.min.js
#   ../widgets/static/leg3d/leg3d.js  the 3-D leg's front end: our _vendor/src/leg3d.js with
#          three.js and its OrbitControls, bundled by esbuild (package data of widgets,
#          published at leg3d/ by html_extra_path); LICENSE-three.txt beside it
#   html/jupyter-widgets/anywidget.js  anywidget's AMD front end for the static page, copied
#          from the anywidget Python package pinned in requirements.txt (PYTHON, default
#          .venv/bin/python), so front end and kernel side are one version
#   ../widgets/myoleg/  the MyoLeg bones (PyPI myo-sim, tools/refresh_myoleg.py)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$tmp/"
# --ignore-scripts: we only copy files out of the packages, nothing needs to run.
(cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
nm="$tmp/node_modules"
version() { node -p "require('$nm/$1/package.json').version"; }

# The widget manager must match the ipywidgets major version (8.x -> html-manager 1.x).
hm="$nm/@jupyter-widgets/html-manager/dist"
w="$here/html/jupyter-widgets"; m="$here/html/mathjax"; a="$here/test/axe-core"
mkdir -p "$w"
rm -f "$w"/*.js.LICENSE.txt "$w"/*.woff "$w"/*.woff2 "$w"/*.ttf "$w/embed-amd.js" "$w/require.js"
cp "$nm/requirejs/require.js" "$w/"
cp "$hm/embed-amd.js" "$hm/embed.js.LICENSE.txt" "$hm"/*.woff2 "$hm"/*.woff "$hm"/*.ttf "$w/"

rm -rf "$m"; mkdir -p "$m/output/chtml/fonts/woff-v2"
cp "$nm/mathjax/es5/tex-mml-chtml.js" "$nm/mathjax/LICENSE" "$m/"
cp "$nm/mathjax/es5/output/chtml/fonts/woff-v2/"*.woff "$m/output/chtml/fonts/woff-v2/"
# MathJax's loader fetches [mathjax]/ui/lazy.js, [mathjax] being tex-mml-chtml.js's folder.
mkdir -p "$m/ui"; cp "$nm/mathjax/es5/ui/lazy.js" "$m/ui/"

rm -rf "$a"; mkdir -p "$a"
cp "$nm/axe-core/axe.min.js" "$nm/axe-core/LICENSE" "$nm/axe-core/LICENSE-3RD-PARTY.txt" "$a/"

# The 3-D leg (widgets/leg3d.py): one bundle, esbuild's output is the same for the same
# inputs and versions.
l="$here/../widgets/static/leg3d"
NODE_PATH="$nm" "$nm/.bin/esbuild" "$here/src/leg3d.js" --bundle --format=iife --minify --target=es2020 \
  --legal-comments=none --log-level=warning --outfile="$l/leg3d.js"
{ echo "three $(version three) (https://threejs.org), bundled into leg3d.js with its OrbitControls by esbuild $(version esbuild):"; echo
  cat "$nm/three/LICENSE"; } > "$l/LICENSE-three.txt"
python="${PYTHON:-$here/../.venv/bin/python}"
aw="$("$python" -c 'import anywidget, os; print(os.path.dirname(anywidget.__file__))')"
cp "$aw/nbextension/index.js" "$w/anywidget.js"
{ echo "anywidget $("$python" -c 'import anywidget; print(anywidget.__version__)') (https://github.com/manzt/anywidget), nbextension/index.js of its Python package:"; echo
  cat "$aw"/../anywidget-*.dist-info/licenses/LICENSE 2>/dev/null || cat "$aw"/../anywidget-*.dist-info/LICENSE*; } > "$w/LICENSE-anywidget.txt"
(cd "$here/.." && "$python" -m tools.refresh_myoleg)

# Our licence notes name the version they describe; say which ones no longer match.
stale=0
check() {  # file, package
  local v; v="$(version "$2")"
  if ! head -1 "$1" | grep -qF "$2 $v"; then
    echo "update the first line of ${1#"$here"/}: it should name $2 $v"; stale=1
  fi
}
check "$w/LICENSE-html-manager.txt" "@jupyter-widgets/html-manager"
check "$w/LICENSE-requirejs.txt" requirejs
echo "refreshed from the npm registry:"
for p in @jupyter-widgets/html-manager requirejs mathjax axe-core three esbuild; do echo "  $p $(version "$p")"; done
[ "$stale" -eq 0 ] || echo "(licence notes above are out of date)"
echo "if a version changed: make clean, rebuild and run the browser tests (tests/test_browser*.py)"
