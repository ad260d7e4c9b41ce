#!/usr/bin/env bash
# Re-fetch the vendored JavaScript from the npm registry (needs npm and network; the book
# build itself never does). Change the versions here, run it, rebuild, run tests/test_browser.py.
set -euo pipefail
HTML_MANAGER=1.0.15   # must match the ipywidgets major version (8.x -> html-manager 1.x)
REQUIREJS=2.3.8
MATHJAX=3.2.2
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "@jupyter-widgets/html-manager@$HTML_MANAGER" "requirejs@$REQUIREJS" "mathjax@$MATHJAX"
for f in *.tgz; do mkdir "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
hm="jupyter-widgets-html-manager-$HTML_MANAGER/package/dist"
w="$here/html/jupyter-widgets"; m="$here/html/mathjax"
rm -f "$w"/*.js.LICENSE.txt "$w"/*.woff "$w"/*.woff2 "$w"/*.ttf
cp "requirejs-$REQUIREJS/package/require.js" "$w/"
cp "$hm/embed-amd.js" "$hm/embed.js.LICENSE.txt" "$hm"/*.woff2 "$hm"/*.woff "$hm"/*.ttf "$w/"
rm -rf "$m"; mkdir -p "$m/output/chtml/fonts/woff-v2"
cp "mathjax-$MATHJAX/package/es5/tex-mml-chtml.js" "mathjax-$MATHJAX/package/LICENSE" "$m/"
cp "mathjax-$MATHJAX/package/es5/output/chtml/fonts/woff-v2/"*.woff "$m/output/chtml/fonts/woff-v2/"
echo "refreshed; now update the versions named in README.md and the LICENSE-*.txt headers"
