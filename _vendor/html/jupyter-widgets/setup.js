// Our own glue (not from npm): loaded after require.js and before embed-amd.js on every
// page that shows widgets (at page load, or later by kc-lazy.js). Four fixes, each checked by the browser tests (tests/test_browser*.py):
(function () {
  // Run now when the page has already been parsed: _ext/fast_pages.py's kc-lazy.js loads this
  // script (and the widget bundle) on demand, after DOMContentLoaded.
  function whenParsed(run) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }

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
  whenParsed(function () {
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

  // 4. Accessible names (axe: aria-input-field-name, button-name). The bundle draws each
  //    slider's name as a <label> that is not tied to its handle (role="slider"), gives a
  //    ToggleButtons row no group name and Play's buttons only icons. Tie every control to
  //    what it shows, whenever widgets are drawn or change state: a slider handle and its
  //    editable readout are labelled by the widget's label and the handle's value text is
  //    the readout's (e.g. "50%", not the option's index); a ToggleButtons row is a group
  //    labelled by its label, each button says whether it is pressed; Play's buttons are
  //    named by their icon ("Play"/"Pause", "Stop", "Repeat").
  var labelCount = 0;
  var PLAY_NAMES = { play: "Play", pause: "Pause", stop: "Stop", retweet: "Repeat" };
  function set(element, name, value) {
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  }
  function labelId(widget) {
    var label = widget.querySelector(":scope > label.widget-label");
    if (!label || !label.textContent.trim()) return null;
    // The bundle copies a control's tooltip into the label's title, "null" when it has none.
    if (label.getAttribute("title") === "null") label.removeAttribute("title");
    if (!label.id) label.id = "kc-widget-label-" + ++labelCount;
    return label.id;
  }
  function nameControls() {
    document.querySelectorAll(".widget-slider").forEach(function (widget) {
      var id = labelId(widget);
      var readout = widget.querySelector(".widget-readout");
      widget.querySelectorAll('[role="slider"]').forEach(function (handle) {
        if (id) set(handle, "aria-labelledby", id);
        if (readout && readout.textContent.trim()) {
          set(handle, "aria-valuetext", readout.textContent.trim());
        }
      });
      if (readout && readout.isContentEditable) {
        set(readout, "role", "textbox");
        if (id) set(readout, "aria-labelledby", id);
      }
    });
    document.querySelectorAll(".widget-toggle-buttons").forEach(function (widget) {
      var id = labelId(widget);
      set(widget, "role", "group");
      if (id) set(widget, "aria-labelledby", id);
      widget.querySelectorAll("button.widget-toggle-button").forEach(function (button) {
        set(button, "aria-pressed", String(button.classList.contains("mod-active")));
      });
    });
    document.querySelectorAll(".widget-play > button").forEach(function (button) {
      var icons = Array.prototype.map.call(button.querySelectorAll("i, svg"), function (icon) {
        return icon.getAttribute("class") || "";
      }).join(" ");
      var match = icons.match(/\bfa-(play|pause|stop|retweet)\b/);
      if (match) set(button, "aria-label", PLAY_NAMES[match[1]]);
      if (match && match[1] === "retweet") {
        set(button, "aria-pressed", String(button.classList.contains("mod-active")));
      }
    });
  }
  new MutationObserver(nameControls).observe(document.documentElement, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ["class", "aria-valuetext"]
  });
  whenParsed(nameControls);
})();
