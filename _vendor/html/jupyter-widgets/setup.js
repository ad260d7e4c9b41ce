// Our own glue (not from npm): loaded after require.js and before embed-amd.js on every
// page that shows widgets. Three fixes, each checked by tests/test_browser.py:
(function () {
  // 1. The html-manager bundle finds its font files beside its AMD modules
  //    ("@jupyter-widgets/base", "@jupyter-widgets/html-manager/dist/...", ...), which
  //    require.js would place beside each page (404 in chapters/). Map every one of those
  //    ids to the folder this script was served from (longest prefix wins).
  var here = document.currentScript.src.replace(/\/[^\/]*$/, "");
  require.config({ paths: { "@jupyter-widgets/html-manager/dist": here, "@jupyter-widgets": here } });

  // 2. The theme's Font Awesome script swaps every <i class="fa ..."> for an <svg>; the
  //    Play widget then finds no <i> to switch between play and pause and throws. "nest"
  //    keeps the <i> and puts the svg inside it.
  window.FontAwesomeConfig = Object.assign(window.FontAwesomeConfig || {}, { autoReplaceSvg: "nest" });
  //    The widget bundle ships its own icon font, which draws the icon from the class; the
  //    nested svg would keep showing the first icon (play) after the class turns to pause.
  var style = document.createElement("style");
  style.textContent = ".jupyter-widgets i.fa > svg.svg-inline--fa { display: none; }";
  document.head.appendChild(style);

  // 3. The widgets typeset their labels with the MathJax 2 call MathJax.Hub.Queue; the
  //    book loads MathJax 3 (deferred, so it exists by DOMContentLoaded). Translate the call.
  document.addEventListener("DOMContentLoaded", function () {
    var mathjax = window.MathJax;
    if (mathjax && !mathjax.Hub) {
      mathjax.Hub = {
        Queue: function (job) {
          var element = job && job[2];
          if (mathjax.typesetPromise && mathjax.startup && mathjax.startup.promise) {
            mathjax.startup.promise.then(function () {
              return mathjax.typesetPromise(element ? [element] : undefined);
            });
          }
        }
      };
    }
  });
})();
