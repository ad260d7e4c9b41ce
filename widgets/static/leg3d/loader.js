// The anywidget module of the 3-D leg (widgets/leg3d.py), kept tiny so a page's saved widget
// state does not carry three.js. It finds the real front end (leg3d.js, built by
// `make vendor` from _vendor/src/leg3d.js) in this order:
//   1. already loaded on this page (globalThis.kcLeg3d);
//   2. the book's copy, served once for the whole site: leg3d/setup.js (listed in
//      _config.yml nb_ipywidgets_js) names it in globalThis.kcLeg3dScript; a classic
//      <script>, so it also works from file://;
//   3. live in Jupyter: the kernel sends it once when asked.
// If none answers, the still picture of the default pose is shown with a one-line message.
function showStill(el, model, message) {
  el.innerHTML = "";
  const figure = document.createElement("figure");
  figure.className = "kc-leg3d kc-leg3d-fallback";
  const img = document.createElement("img");
  img.src = "data:image/png;base64," + model.get("still");
  img.alt = model.get("spec").alt || "";
  img.style.maxWidth = "100%";
  const note = document.createElement("figcaption");
  note.className = "kc-leg3d-message";
  note.textContent = message;
  figure.append(img, note);
  el.appendChild(figure);
}

function fromScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => resolve(globalThis.kcLeg3d);
    script.onerror = () => reject(new Error("could not load " + src));
    document.head.appendChild(script);
  });
}

function fromKernel(model) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no kernel answered")), 20000);
    model.on("msg:custom", async (message) => {
      if (!message || message.type !== "kc-leg3d-live" || !message.code) return;
      clearTimeout(timer);
      if (!globalThis.kcLeg3d) {
        const url = URL.createObjectURL(new Blob([message.code], { type: "text/javascript" }));
        await import(url);
      }
      resolve(globalThis.kcLeg3d);
    });
    model.send({ type: "kc-leg3d-hello", need_code: true });
  });
}

let loading = null;
async function frontEnd(model) {
  if (globalThis.kcLeg3d) return globalThis.kcLeg3d;
  if (!loading) {
    loading = globalThis.kcLeg3dScript ? fromScript(globalThis.kcLeg3dScript) : fromKernel(model);
    loading.catch(() => { loading = null; });
  }
  return loading;
}

export default {
  async render({ model, el }) {
    let lib;
    try {
      lib = await frontEnd(model);
      if (!lib) throw new Error("leg3d.js did not load");
    } catch (error) {
      showStill(el, model, "The 3-D view could not be loaded (" + error.message
        + "); this is a still picture of its starting pose.");
      return;
    }
    return lib.render({ model, el, showStill });
  },
};
