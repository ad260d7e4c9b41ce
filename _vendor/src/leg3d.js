// Front end of the 3-D leg (widgets/leg3d.py): three.js + OrbitControls, bundled by
// `make vendor` (esbuild, _vendor/refresh.sh) into widgets/static/leg3d/leg3d.js, which
// sets globalThis.kcLeg3d. The small anywidget module (widgets/static/leg3d/loader.js)
// loads it and calls render().
//
// The maths is not here. Python sends, in the widget's `spec`:
//   - tables of every quantity on a 0.5° (0.5 %) grid of each control, in Tucker form
//     (a core and one factor matrix per control; null = the grid itself): interpolating
//     each factor linearly and contracting with the core is multilinear interpolation;
//   - a recipe per bone: translations and rotations about x, y, z by those quantities,
//     composed in order (matrix products; "P" starts from an earlier bone);
//   - the words of the readout.
// Static page: the browser interpolates and composes. Live in Jupyter: every change goes
// to the kernel, which computes the pose with widgets.kinematics and sends the matrices
// back (trait live_pose); the page draws those.
import * as THREE from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";

function decodeFloat64(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}

class Table {
  constructor(spec) {
    this.controls = spec.controls;
    this.grids = spec.grids;
    this.quantities = spec.quantities;
    this.shape = spec.shape;
    this.core = decodeFloat64(spec.core);
    this.factors = spec.factors.map((f) => f && { shape: f.shape, data: decodeFloat64(f.data) });
  }
  weights(mode, value) {
    const [start, step, count] = this.grids[mode];
    const position = Math.min(Math.max((value - start) / step, 0), count - 1);
    const k = Math.min(Math.floor(position), count - 2);
    const frac = position - k;
    const factor = this.factors[mode];
    if (!factor) {
      const w = new Float64Array(count);
      w[k] = 1 - frac;
      w[k + 1] = frac;
      return w;
    }
    const r = factor.shape[1];
    const w = new Float64Array(r);
    for (let j = 0; j < r; j++) {
      w[j] = (1 - frac) * factor.data[k * r + j] + frac * factor.data[(k + 1) * r + j];
    }
    return w;
  }
  evaluate(values, out) {
    let data = this.core;
    for (let mode = 0; mode < this.controls.length; mode++) {
      const w = this.weights(mode, values[this.controls[mode]]);
      const rest = data.length / w.length;
      const next = new Float64Array(rest);
      for (let i = 0; i < w.length; i++) {
        const wi = w[i];
        if (wi === 0) continue;
        const offset = i * rest;
        for (let j = 0; j < rest; j++) next[j] += wi * data[offset + j];
      }
      data = next;
    }
    this.quantities.forEach((name, i) => { out[name] = data[i]; });
    return out;
  }
}

const AXES = { x: new THREE.Vector3(1, 0, 0), y: new THREE.Vector3(0, 1, 0), z: new THREE.Vector3(0, 0, 1) };

function compose(recipe, values) {
  const matrices = {};
  const op = new THREE.Matrix4();
  for (const [bone, ops] of recipe) {   // in order: a "P" names an earlier bone
    const m = new THREE.Matrix4();
    for (const step of ops) {
      if (step[0] === "P") { m.copy(matrices[step[1]]); continue; }
      if (step[0] === "T") op.makeTranslation(step[1][0], step[1][1], step[1][2]);
      else if (step[0] === "Tq") op.makeTranslation(values[step[1]], values[step[2]], 0);
      else op.makeRotationAxis(AXES[step[1]], THREE.MathUtils.degToRad(step[3] * values[step[2]]));
      m.multiply(op);
    }
    matrices[bone] = m;
  }
  return matrices;
}

function describe(spec, values, presetLabel) {
  const parts = spec.readout.map((item) => {
    const scale = 10 ** item.digits;
    const shown = Math.round(values[item.q] * scale) / scale + 0;
    const word = shown < 0 ? item.neg : item.pos;
    const number = (item.neg !== item.pos ? Math.abs(shown) : shown).toFixed(item.digits);
    return `${word} ${number}${item.unit}`;
  });
  return `${spec.title}${presetLabel ? ", " + presetLabel : ""}: ${parts.join(", ")}.`;
}

function webglAvailable() {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl2") || canvas.getContext("webgl"));
  } catch (error) {
    return false;
  }
}

const STYLE = `
.kc-leg3d { margin: 0.5rem 0; }
.kc-leg3d-controls { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; align-items: center; }
.kc-leg3d-control { display: flex; gap: 0.4rem; align-items: center; }
.kc-leg3d-control input { width: min(60vw, 12rem); }
.kc-leg3d-control output { min-width: 3.5rem; font-variant-numeric: tabular-nums; }
.kc-leg3d-group { display: flex; flex-wrap: wrap; gap: 0.3rem; }
.kc-leg3d button { padding: 0.15rem 0.6rem; border: 1px solid #555; border-radius: 4px;
  background: #fff; color: #111; cursor: pointer; }
.kc-leg3d button[aria-pressed="true"] { background: #1f4e79; color: #fff; }
.kc-leg3d canvas { display: block; width: 100%; max-width: 720px; height: auto;
  background: #f4f6f8; border-radius: 6px; touch-action: none; }
.kc-leg3d canvas:focus { outline: 3px solid #1f4e79; }
.kc-leg3d-readout, .kc-leg3d-hint, .kc-leg3d-message { margin: 0.3rem 0; font-size: 0.9em; color: #222; }
`;

let uid = 0;

function render({ model, el, showStill }) {
  const spec = model.get("spec");
  const id = `kc-leg3d-${++uid}`;
  if (!webglAvailable()) {
    showStill(el, model, "This browser cannot draw the 3-D view (WebGL is off or "
      + "unavailable), so this is a still picture of its starting pose.");
    return;
  }
  const root = document.createElement("div");
  root.className = `kc-leg3d kc-leg3d-${model.get("view")}`;
  const style = document.createElement("style");
  style.textContent = STYLE;
  const controlsBox = document.createElement("div");
  controlsBox.className = "kc-leg3d-controls";
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.tabIndex = 0;
  canvas.width = 720;
  canvas.height = 480;
  const hint = document.createElement("p");
  hint.className = "kc-leg3d-hint";
  hint.id = `${id}-hint`;
  hint.textContent = "Drag the picture to orbit, scroll or pinch to zoom; or focus it and "
    + "use the arrow keys to orbit and + or − to zoom.";
  canvas.setAttribute("aria-describedby", hint.id);
  const readout = document.createElement("p");
  readout.className = "kc-leg3d-readout";
  root.append(style, controlsBox, canvas, hint, readout);

  let renderer;
  try {
    // No MSAA: under software WebGL it doubles the time per frame (benchmarks/leg3d_time.py);
    // HiDPI screens get their pixel ratio (up to 2) instead.
    renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true });
  } catch (error) {
    showStill(el, model, "This browser cannot draw the 3-D view (" + error.message
      + "), so this is a still picture of its starting pose.");
    return;
  }
  el.innerHTML = "";
  el.appendChild(root);
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));

  // --- Scene: the bones, the floor, the subtalar axis --------------------------------------
  const scene = new THREE.Scene();
  scene.background = new THREE.Color("#f4f6f8");
  scene.add(new THREE.HemisphereLight(0xffffff, 0x8899aa, 1.6));
  const sun = new THREE.DirectionalLight(0xffffff, 1.8);
  sun.position.set(1, 2, 1.5);
  scene.add(sun);
  const buffer = model.get("mesh_data");
  const bytes = buffer instanceof DataView ? buffer.buffer.slice(buffer.byteOffset,
    buffer.byteOffset + buffer.byteLength) : buffer.buffer || buffer;
  const objects = {};
  const parts = {};
  for (const entry of spec.meshes) {
    (parts[entry.bone] = parts[entry.bone] || {})[entry.kind] = entry;
  }
  for (const [bone, part] of Object.entries(parts)) {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute("position", new THREE.BufferAttribute(
      new Float32Array(bytes, part.positions.offset, part.positions.length), 3));
    geometry.setIndex(new THREE.BufferAttribute(
      new Uint16Array(bytes, part.indices.offset, part.indices.length), 1));
    geometry.computeVertexNormals();
    // Lambert shading: much cheaper than the physically based material in software WebGL
    // (benchmarks/leg3d_time.py), and enough for matte bone.
    const mesh = new THREE.Mesh(geometry, new THREE.MeshLambertMaterial({
      color: spec.colours[bone], side: THREE.DoubleSide }));
    mesh.matrixAutoUpdate = false;
    mesh.name = bone;
    scene.add(mesh);
    objects[bone] = mesh;
  }
  if (spec.recipe.some(([bone]) => bone === "axis")) {
    const geometry = new THREE.CylinderGeometry(0.0025, 0.0025, 2 * spec.axis_length, 12);
    geometry.rotateZ(-Math.PI / 2);   // along local x
    const axis = new THREE.Mesh(geometry, new THREE.MeshBasicMaterial({ color: spec.colours.axis }));
    axis.matrixAutoUpdate = false;
    axis.name = "axis";
    scene.add(axis);
    objects.axis = axis;
  }
  const floor = new THREE.Mesh(new THREE.CircleGeometry(0.35, 48),
    new THREE.MeshLambertMaterial({ color: "#c9ced6" }));
  floor.rotation.x = -Math.PI / 2;
  floor.position.set(0.05, spec.floor_y - 0.001, 0);
  scene.add(floor);

  const camera = new THREE.PerspectiveCamera(30, canvas.width / canvas.height, 0.01, 20);
  const target = new THREE.Vector3(...spec.camera.target);
  camera.position.copy(target).add(new THREE.Vector3(...spec.camera.direction)
    .normalize().multiplyScalar(spec.camera.distance));
  const orbit = new OrbitControls(camera, canvas);
  orbit.target.copy(target);
  orbit.update();

  // --- State, tables, drawing --------------------------------------------------------------------
  const tables = spec.tables.map((t) => new Table(t));
  const state = Object.assign({}, model.get("state"));
  let live = false;
  let pending = false;   // live: a state sent, its pose not back yet
  const api = { view: model.get("view"), frames: 0, lastUpdateMs: 0, root, canvas, camera,
                objects, renderer };
  root.kcLeg3d = api;
  (globalThis.kcLeg3dViews = globalThis.kcLeg3dViews || []).push(api);

  function presetLabel() {
    if (!spec.preset_keys.length) return null;
    return spec.presets[spec.preset_keys.indexOf(state.preset)].label;
  }
  function draw() {
    if (api.frames === 0) api.firstFrameMs = performance.now();   // since the page's start
    renderer.render(scene, camera);
    api.frames += 1;
  }
  function applyPose(matrices, alt) {
    for (const [bone, object] of Object.entries(objects)) {
      object.matrix.copy(matrices[bone]);
      object.matrixWorldNeedsUpdate = true;
    }
    canvas.setAttribute("aria-label", alt);
    readout.textContent = alt.slice(alt.indexOf(":") + 2);
    api.alt = alt;
    draw();
  }
  // The static page: tables interpolated, recipe composed.
  function tableValues() {
    const values = Object.assign({}, state);
    if (spec.preset_keys.length) values.preset_index = spec.preset_keys.indexOf(state.preset);
    for (const table of tables) table.evaluate(values, values);
    for (const [name, value] of Object.entries(spec.constants)) {
      if (!(name in values)) values[name] = typeof value === "string" ? values[value] : value;
    }
    return values;
  }
  function update() {
    const start = performance.now();
    if (live) {
      pending = true;
      model.set("state", Object.assign({}, state));
      model.save_changes();
    } else {
      const values = tableValues();
      applyPose(compose(spec.recipe, values), describe(spec, values, presetLabel()));
    }
    syncControls();
    api.lastUpdateMs = performance.now() - start;
  }
  api.values = tableValues;
  api.set = (values) => { Object.assign(state, values); update(); return api.matrices(); };
  api.matrices = () => {
    scene.updateMatrixWorld(true);
    const out = {};
    for (const [bone, object] of Object.entries(objects)) out[bone] = object.matrixWorld.toArray();
    return out;
  };
  api.isLive = () => live;

  // --- Controls: native sliders and buttons (keyboard: arrows, Home/End, Tab, Enter/Space)
  const inputs = {};
  for (const control of spec.controls) {
    const box = document.createElement("div");
    box.className = "kc-leg3d-control";
    const label = document.createElement("label");
    label.htmlFor = `${id}-${control.name}`;
    label.textContent = control.label;
    const input = document.createElement("input");
    Object.assign(input, { type: "range", id: label.htmlFor, min: control.min, max: control.max,
                           step: control.step, value: state[control.name] });
    input.dataset.control = control.name;
    const output = document.createElement("output");
    output.htmlFor = input.id;
    input.addEventListener("input", () => {
      state[control.name] = Number(input.value);
      update();
    });
    box.append(label, input, output);
    controlsBox.appendChild(box);
    inputs[control.name] = { input, output, control };
  }
  const presetButtons = [];
  if (spec.presets.length) {
    const group = document.createElement("div");
    group.className = "kc-leg3d-group";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", spec.preset_keys.length ? "Condition" : "Subtalar axis preset");
    for (const preset of spec.presets) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = preset.label;
      button.addEventListener("click", () => { Object.assign(state, preset.values); update(); });
      group.appendChild(button);
      presetButtons.push({ button, preset });
    }
    controlsBox.appendChild(group);
  }
  let playing = false;
  let playButton = null;
  if (spec.play) {
    playButton = document.createElement("button");
    playButton.type = "button";
    playButton.className = "kc-leg3d-play";
    playButton.textContent = "Play";
    let last = null;
    const control = spec.controls[0];
    const stepFrame = (time) => {
      if (!playing) return;
      if (live && pending) { requestAnimationFrame(stepFrame); return; }   // one step at a time
      if (last !== null) {
        let next = state[control.name] + (time - last) / 1000 * spec.play_percent_per_s;
        if (next > control.max) next = control.min;
        state[control.name] = Math.round(next / control.step) * control.step;
        update();
      }
      last = time;
      requestAnimationFrame(stepFrame);
    };
    playButton.addEventListener("click", () => {
      playing = !playing;
      playButton.textContent = playing ? "Pause" : "Play";
      last = null;
      if (playing) requestAnimationFrame(stepFrame);
    });
    controlsBox.appendChild(playButton);
  }
  function syncControls() {
    for (const { input, output, control } of Object.values(inputs)) {
      if (Number(input.value) !== state[control.name]) input.value = state[control.name];
      const digits = control.step < 1 ? 1 : 0;
      output.textContent = `${Number(state[control.name]).toFixed(digits)}${control.unit}`;
      input.setAttribute("aria-valuetext", output.textContent);
    }
    for (const { button, preset } of presetButtons) {
      const pressed = Object.entries(preset.values).every(([k, v]) =>
        typeof v === "string" ? state[k] === v : Math.abs(state[k] - v) < 1e-9);
      button.setAttribute("aria-pressed", String(pressed));
    }
  }

  // --- Orbit from the keyboard (the pointer orbits through OrbitControls) -----------------------
  const spherical = new THREE.Spherical();
  canvas.addEventListener("keydown", (event) => {
    const offset = camera.position.clone().sub(orbit.target);
    spherical.setFromVector3(offset);
    const turn = THREE.MathUtils.degToRad(10);
    if (event.key === "ArrowLeft") spherical.theta -= turn;
    else if (event.key === "ArrowRight") spherical.theta += turn;
    else if (event.key === "ArrowUp") spherical.phi = Math.max(0.1, spherical.phi - turn);
    else if (event.key === "ArrowDown") spherical.phi = Math.min(Math.PI - 0.1, spherical.phi + turn);
    else if (event.key === "+" || event.key === "=") spherical.radius *= 0.9;
    else if (event.key === "-" || event.key === "_") spherical.radius *= 1.1;
    else return;
    event.preventDefault();
    camera.position.copy(orbit.target).add(new THREE.Vector3().setFromSpherical(spherical));
    orbit.update();
    draw();
  });
  orbit.addEventListener("change", draw);

  // --- Size: follow the page's width ----------------------------------------------------------
  function resize() {
    const width = Math.max(240, Math.min(720, root.clientWidth || 720));
    const height = Math.round(width * 2 / 3);
    renderer.setSize(width, height, false);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
    draw();
  }
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(resize).observe(root);

  // --- Live in Jupyter: the kernel answers our hello and from then on computes every pose.
  model.on("msg:custom", (message) => {
    if (message && message.type === "kc-leg3d-live") live = true;
  });
  model.on("change:live_pose", () => {
    const pose = model.get("live_pose");
    if (!live || !pose.matrices) return;
    pending = false;
    const matrices = {};
    for (const [bone, array] of Object.entries(pose.matrices)) {
      matrices[bone] = new THREE.Matrix4().fromArray(array);
    }
    applyPose(matrices, pose.alt);
  });
  model.send({ type: "kc-leg3d-hello", need_code: false });

  update();
  resize();
  return () => {
    playing = false;
    orbit.dispose();
    renderer.dispose();
  };
}

globalThis.kcLeg3d = { render, Table, compose, describe };
