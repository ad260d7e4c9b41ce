// _ext/fast_pages.py adds this after MathJax on pages with maths. MathJax typesets lazily there
// (_config.yml mathjax3_config loads its ui/lazy extension): an expression is typeset when it
// nears the viewport. window.kcTypesetMath() typesets every expression not typeset yet and
// returns a promise that resolves when done (the browser tests' SETTLE_JS calls it).
// Why not the extension's own lazyTypesetAll(): in MathJax 3.2.2 it re-renders an expression
// the extension has already typeset into a nested, untypeset copy (an <mjx-lazy> placeholder
// inside its <mjx-container>), so the page's first, visible expressions broke on print. This
// hands every pending expression to the path the extension uses when expressions scroll into
// view, synchronously, and the document's lazyTypesetAll (which the extension calls on
// beforeprint and print media) is replaced by it.
(function () {
  "use strict";
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return;
  var ready = MathJax.startup.promise.then(function () {
    var doc = MathJax.startup.document;
    if (!doc || !doc.lazyList || !doc.resetStates) return null;
    var STATE = MathJax._.core.MathItem.STATE;
    function typesetPending() {
      var pending = new Set();
      doc.lazyList.items.forEach(function (item, id) {
        if (item.lazyTypeset || item.lazyCompile) pending.add(id);
      });
      if (!pending.size) return Promise.resolve();
      pending.forEach(function (id) { doc.lazySet.delete(id); });
      var state = doc.compileEarlierItems(pending) ? STATE.COMPILED : STATE.TYPESET;
      state = doc.resetStates(pending, state);
      doc.state(state - 1, null);
      // Now, not after the extension's pending work: a print handler must finish in its turn.
      return MathJax._.util.Retries.handleRetriesFor(function () { doc.render(); });
    }
    doc.lazyTypesetAll = typesetPending;
    return typesetPending;
  });
  window.kcTypesetMath = function () {
    return ready.then(function (typesetPending) { return typesetPending ? typesetPending() : null; });
  };
})();
