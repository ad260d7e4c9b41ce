// _ext/fast_pages.py: loads the widget code of this page only when it is needed, so that the
// first paint does not wait for the 3.6 MB widget manager. Until then each demo shows its
// still (a plain <img> in the HTML). The scripts are those of _config.yml nb_ipywidgets_js,
// in that order, and the page's widget state file (data-kc-widgets on this script's tag).
// Loading starts when a demo comes within half a screen of the viewport, when the reader touches
// or focuses a still, or when something calls window.kcLoadWidgets() (the browser tests do):
// it returns a promise that resolves once every widget view of the page is drawn.
(function () {
  "use strict";
  var tag = document.currentScript;
  var config = JSON.parse(tag.getAttribute("data-kc-widgets"));
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
  var loading = null;

  function addScript(entry) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      Object.keys(entry.attrs || {}).forEach(function (name) {
        script.setAttribute(name, entry.attrs[name]);
      });
      script.async = false;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("kc-lazy: could not load " + entry.src)); };
      script.src = entry.src;
      document.head.appendChild(script);
    });
  }

  // The manager puts each view in a new div.widget-subarea just before the view's script,
  // that is right after the still. Keep it hidden until it has drawn as tall as the still
  // (or holds no still to compare with), then hide the still: one swap, no jump.
  function watchSubareas() {
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        record.addedNodes.forEach(function (node) {
          var still = node.previousElementSibling;
          if (node.classList && node.classList.contains("widget-subarea") &&
              still && still.classList.contains("kc-still")) {
            node.classList.add("kc-widget-drawing");
            node.parentElement.classList.add("kc-widget-host");
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  function swapWhenDrawn(deadline) {
    return new Promise(function (resolve) {
      var last = {};
      function check() {
        var views = Array.prototype.slice.call(document.querySelectorAll(VIEW));
        var pending = views.filter(function (view, i) {
          var area = view.previousElementSibling;
          if (!area || !area.classList.contains("widget-subarea") || !area.children.length) return true;
          var still = area.previousElementSibling;
          if (!area.classList.contains("kc-widget-drawing")) return false;
          var height = area.offsetHeight;
          var stable = last[i] === height;
          last[i] = height;
          if ((stable && height >= 0.9 * still.offsetHeight) || Date.now() > deadline) {
            still.hidden = true;
            area.classList.remove("kc-widget-drawing");
            return false;
          }
          return true;
        });
        if (!pending.length || Date.now() > deadline + 1000) resolve(views.length - pending.length);
        else setTimeout(check, 50);
      }
      check();
    });
  }

  window.kcLoadWidgets = function () {
    if (!loading) {
      watchSubareas();
      loading = fetch(config.state)
        .then(function (response) {
          if (!response.ok) throw new Error("kc-lazy: " + response.status + " " + config.state);
          return response.text();
        })
        .then(function (state) {
          var script = document.createElement("script");
          script.type = "application/vnd.jupyter.widget-state+json";
          script.textContent = state;
          document.head.appendChild(script);
          return config.scripts.reduce(function (previous, entry) {
            return previous.then(function () { return addScript(entry); });
          }, Promise.resolve());
        })
        .then(function () { return swapWhenDrawn(Date.now() + 20000); });
    }
    return loading;
  };

  function start() { window.kcLoadWidgets(); }
  var stills = document.querySelectorAll(".kc-still");
  var targets = stills.length ? stills : Array.prototype.map.call(
    document.querySelectorAll(VIEW), function (view) { return view.parentElement; });
  Array.prototype.forEach.call(stills, function (still) {
    ["pointerdown", "focusin", "mouseenter"].forEach(function (name) {
      still.addEventListener(name, start, { once: true, passive: true });
    });
  });
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        start();
      }
    }, { rootMargin: "50% 0px" });
    Array.prototype.forEach.call(targets, function (target) { observer.observe(target); });
  } else {
    start();
  }
})();
