// Our own glue for the 3-D leg in the static book (not from npm), listed in _config.yml
// nb_ipywidgets_js after jupyter-widgets/setup.js and before embed-amd.js.
(function () {
  var here = document.currentScript.src.replace(/\/[^\/]*$/, "");
  // 1. The widget manager loads anywidget's front end by its module name "anywidget";
  //    without this it asks for ./anywidget.js and a CDN (two 404s, "Script error").
  //    anywidget.js is anywidget's own AMD build, copied by `make vendor` from the
  //    anywidget Python package pinned in requirements.txt.
  require.config({ paths: { anywidget: here + "/../jupyter-widgets/anywidget" } });
  // 2. Where the three.js front end of the 3-D leg is: one file for the whole site, loaded
  //    by the widget's small module (widgets/static/leg3d/loader.js) when a view is drawn.
  window.kcLeg3dScript = here + "/leg3d.js";
})();
