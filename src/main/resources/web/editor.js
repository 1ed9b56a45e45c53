// fieldcap's label editor: the frame page for reviewers (docs/api.md, "Editing labels"). Plain
// JavaScript after app.js (which gives api, colour, maskImage, SVGNS, body). Every coordinate is in
// image pixels: the labels live in an SVG group whose transform is the view's translate and scale, and
// pointer positions are mapped back through that group's screen matrix, so they are exact at any zoom.
"use strict";

function editor() {
  const device = body.dataset.device, frameId = body.dataset.frame;
  const path = "/api/frames/" + device + "/" + frameId;
  const draftKey = "fieldcap-draft:" + device + "/" + frameId;
  const query = new URLSearchParams(location.search);
  const queue = query.get("queue");
  const holder = document.getElementById("frame");
  const st = {
    f: null, notice: null, base: 0, labels: [], suggestions: [], sel: -1, selSuggestion: -1, undo: [], redo: [], dirty: false,
    scale: 1, tx: 0, ty: 0, tool: "select", classes: [], definedClasses: false, theirs: null, drag: null, space: false, poly: null, maskCache: new Map()
  };

  // ---- the page: toolbar, canvas, messages
  holder.classList.add("editing");
  holder.innerHTML = "";
  document.querySelector("input[name=show]").closest("p").hidden = true; // the viewer's choice of layers
  const bar = document.createElement("div");
  bar.id = "editor-bar";
  bar.innerHTML = '<button id="tool-select" title="Select and move (V)">Select</button> '
    + '<button id="tool-box" title="Draw a box (B)">Box</button> '
    + '<button id="tool-polygon" title="Draw a polygon (P): click the points, click the first (or Enter) to close">Polygon</button> '
    + '<span id="mask-tools"><button id="tool-brush" title="Paint the mask layer (M)">Brush</button> '
    + '<button id="tool-eraser" title="Erase from the mask layer (E)">Eraser</button> '
    + '<button id="tool-fill" title="Fill a polygon into the mask layer (F)">Fill</button> '
    + '<label>size <input type="number" id="brush-size" min="1" max="500" value="20" size="3"></label> '
    + '<label>layer <input id="mask-class" list="class-list" size="10" placeholder="class"></label> '
    + '<label>opacity <input type="range" id="mask-opacity" min="0" max="1" step="0.05" value="0.5"></label></span> '
    + '<input id="class-input" list="class-list" placeholder="class" size="12" title="Class of the selected box (Enter), 1-9 for the first nine">'
    + '<datalist id="class-list"></datalist> '
    + '<button id="delete" title="Delete the selected box (Del)">Delete</button> '
    + '<button id="undo" title="Undo (Ctrl+Z)">Undo</button> <button id="redo" title="Redo (Ctrl+Shift+Z)">Redo</button> '
    + '<button id="zoom-out" title="Zoom out (-)">-</button> <span id="zoom">100%</span> '
    + '<button id="zoom-in" title="Zoom in (+)">+</button> <button id="zoom-100">100%</button> '
    + '<button id="zoom-fit" title="Fit (0)">Fit</button> '
    + '<label><input type="checkbox" id="show-suggestions" checked> suggestions</label> '
    + '<input type="range" id="min-score" min="0" max="1" step="0.05" value="0.5"> <span id="min-score-value">0.50</span> '
    + '<button id="accept-all" title="Accept every suggestion scoring at least this (Shift+A)">Accept all</button> '
    + '<button id="clear" title="Start from scratch">Clear</button> '
    + '<button id="save" title="Save as a new revision (Ctrl+S)">Save</button> '
    + '<span id="save-result"></span>';
  holder.parentElement.insertBefore(bar, holder);
  const conflictBox = document.createElement("div");
  conflictBox.id = "conflict";
  conflictBox.hidden = true;
  holder.parentElement.insertBefore(conflictBox, holder);
  if (queue) {
    const q = document.createElement("div");
    q.id = "queue-bar";
    q.innerHTML = '<button id="save-next">Save and next</button> <button id="skip">Skip</button> <span id="queue-stats"></span>';
    holder.parentElement.insertBefore(q, bar);
  }
  const svg = document.createElementNS(SVGNS, "svg");
  svg.id = "canvas";
  const view = document.createElementNS(SVGNS, "g");
  view.id = "view";
  const image = document.createElementNS(SVGNS, "image");
  const layers = {};
  svg.appendChild(view);
  view.appendChild(image);
  for (const name of ["masks", "suggestions", "theirs", "labels", "handles"]) {
    layers[name] = document.createElementNS(SVGNS, "g");
    layers[name].id = "layer-" + name;
    view.appendChild(layers[name]);
  }
  holder.appendChild(svg);
  const $ = id => document.getElementById(id);

  // ---- coordinates
  function toImage(clientX, clientY) {
    const p = svg.createSVGPoint();
    p.x = clientX; p.y = clientY;
    const q = p.matrixTransform(view.getScreenCTM().inverse());
    return {x: q.x, y: q.y};
  }
  function applyView() {
    view.setAttribute("transform", "translate(" + st.tx + "," + st.ty + ") scale(" + st.scale + ")");
    $("zoom").textContent = Math.round(st.scale * 100) + "%";
    drawHandles();
  }
  function zoomAt(scale, cx, cy) { // keep the image point under (cx, cy) of the canvas where it is
    const s = Math.min(16, Math.max(0.05, scale));
    st.tx = cx - (cx - st.tx) * s / st.scale;
    st.ty = cy - (cy - st.ty) * s / st.scale;
    st.scale = s;
    applyView();
    render();
  }
  function centre() {
    const r = svg.getBoundingClientRect();
    return [r.width / 2, r.height / 2];
  }
  function fit() {
    const r = svg.getBoundingClientRect();
    st.scale = Math.min(r.width / st.f.width, r.height / st.f.height);
    st.tx = (r.width - st.f.width * st.scale) / 2;
    st.ty = (r.height - st.f.height * st.scale) / 2;
    applyView();
    render();
  }
  function actual() {
    const r = svg.getBoundingClientRect();
    st.scale = 1;
    st.tx = Math.round((r.width - st.f.width) / 2);
    st.ty = Math.round((r.height - st.f.height) / 2);
    applyView();
    render();
  }

  // ---- state: every change goes through change(), which keeps undo, the draft and the picture
  function copy(labels) {
    return JSON.parse(JSON.stringify(labels));
  }
  function snapshot() {
    return {labels: copy(st.labels), suggestions: copy(st.suggestions)};
  }
  function change(before) {
    st.notice = null;
    st.undo.push(before);
    st.redo = [];
    st.dirty = true;
    saveDraft();
    render();
  }
  function saveDraft() {
    try {
      localStorage.setItem(draftKey, JSON.stringify({base: st.base, labels: st.labels, suggestions: st.suggestions}));
    } catch (e) { /* a full or disabled storage: the page still asks before leaving */ }
  }
  function restore(s) {
    st.labels = s.labels;
    st.suggestions = s.suggestions;
    st.sel = Math.min(st.sel, st.labels.length - 1);
    st.selSuggestion = -1;
    st.dirty = true;
    saveDraft();
    render();
  }
  function undo() {
    if (!st.undo.length) return;
    st.redo.push(snapshot());
    restore(st.undo.pop());
  }
  function redo() {
    if (!st.redo.length) return;
    st.undo.push(snapshot());
    restore(st.redo.pop());
  }
  function className(n) {
    return st.classes[n] ? st.classes[n].name : null;
  }
  function colourOf(label) {
    const c = st.classes.find(x => x.name === label);
    return c && c.colour ? c.colour : colour(label);
  }

  // ---- drawing
  function boxRect(d, cls, i) {
    const r = document.createElementNS(SVGNS, "rect");
    r.setAttribute("x", d.box.x); r.setAttribute("y", d.box.y);
    r.setAttribute("width", d.box.w); r.setAttribute("height", d.box.h);
    r.setAttribute("stroke", colourFor(d, colourOf)); r.setAttribute("class", cls);
    r.setAttribute("vector-effect", "non-scaling-stroke");
    r.dataset.i = i; r.dataset.label = d.label;
    if (d.trackId) r.dataset.track = d.trackId;
    return r;
  }
  function text(d, cls) {
    const t = document.createElementNS(SVGNS, "text");
    t.setAttribute("x", d.box.x); t.setAttribute("y", d.box.y - 3 / st.scale);
    t.setAttribute("fill", colourFor(d, colourOf)); t.setAttribute("class", cls);
    t.setAttribute("font-size", 13 / st.scale);
    t.textContent = caption(d);
    return t;
  }
  function polygon(d, cls) {
    const p = document.createElementNS(SVGNS, "polygon");
    const pts = [];
    for (let i = 0; i < d.polygon.length; i += 2) pts.push(d.polygon[i] + "," + d.polygon[i + 1]);
    p.setAttribute("points", pts.join(" "));
    p.setAttribute("stroke", colourOf(d.label)); p.setAttribute("class", cls);
    p.setAttribute("vector-effect", "non-scaling-stroke");
    return p;
  }
  function render() {
    for (const l of Object.values(layers)) l.innerHTML = "";
    const show = $("show-suggestions").checked;
    st.suggestions.forEach((d, i) => {
      if (!show || !d.box || d.mask) return;
      const r = boxRect(d, "box suggestion" + (i === st.selSuggestion ? " selected" : ""), i);
      layers.suggestions.appendChild(r);
      layers.suggestions.appendChild(text(d, "suggestion-text"));
    });
    if (st.theirs) {
      st.theirs.forEach((d, i) => { if (d.box && !d.mask) layers.theirs.appendChild(boxRect(d, "box theirs", i)); });
    }
    st.labels.forEach((d, i) => {
      if (!d.box) return;
      if (d.mask) {
        if (d.label.toLowerCase() !== "background") layers.masks.appendChild(maskLayer(d));
        return;
      }
      if (d.polygon) {
        const p = polygon(d, "label poly" + (i === st.sel ? " selected" : ""));
        p.dataset.i = i; p.dataset.label = d.label;
        layers.labels.appendChild(p);
      } else {
        layers.labels.appendChild(boxRect(d, "box label" + (i === st.sel ? " selected" : ""), i));
      }
      layers.labels.appendChild(text(d, "label-text"));
    });
    drawHandles();
    $("undo").disabled = !st.undo.length;
    $("redo").disabled = !st.redo.length;
    $("save-result").textContent = st.notice || (st.dirty ? "unsaved changes" : (st.base ? "revision " + st.base : "not reviewed yet"));
    const sel = st.labels[st.sel];
    if (sel && document.activeElement !== $("class-input")) $("class-input").value = sel.label;
  }
  // ---- semantic masks: one canvas per class at the image's size, painted directly, kept as COCO RLE in the label
  function maskCanvas(d) {
    let c = st.maskCache.get(d.mask.counts + "|" + d.label);
    if (c) return c;
    const h = d.mask.size[0], w = d.mask.size[1];
    c = document.createElement("canvas");
    c.width = w; c.height = h;
    const g = c.getContext("2d");
    const img = g.createImageData(w, h);
    const rgb = rgbOf(colourOf(d.label));
    let pos = 0;
    rleRuns(d.mask.counts).forEach((run, i) => {
      if (i % 2 === 1) {
        for (let q = pos; q < pos + run; q++) {
          const k = ((q % h) * w + Math.floor(q / h)) * 4;
          img.data[k] = rgb[0]; img.data[k + 1] = rgb[1]; img.data[k + 2] = rgb[2]; img.data[k + 3] = 255;
        }
      }
      pos += run;
    });
    g.putImageData(img, 0, 0);
    c.className = "mask-canvas";
    c.dataset.label = d.label;
    st.maskCache.set(d.mask.counts + "|" + d.label, c);
    return c;
  }
  function maskLayer(d) {
    const fo = document.createElementNS(SVGNS, "foreignObject");
    fo.setAttribute("x", 0); fo.setAttribute("y", 0);
    fo.setAttribute("width", d.mask.size[1]); fo.setAttribute("height", d.mask.size[0]);
    fo.setAttribute("class", "mask-layer");
    const c = maskCanvas(d);
    c.style.opacity = $("mask-opacity").value;
    fo.appendChild(c);
    return fo;
  }
  function rgbOf(css) {
    const g = document.createElement("canvas").getContext("2d");
    g.fillStyle = css;
    g.fillRect(0, 0, 1, 1);
    return g.getImageData(0, 0, 1, 1).data;
  }
  // pycocotools' rleToString: the runs' differences in 5-bit groups, as characters from '0'
  function rleString(runs) {
    let out = "";
    for (let i = 0; i < runs.length; i++) {
      let x = runs[i];
      if (i > 2) x -= runs[i - 2];
      let more = true;
      while (more) {
        let c = x & 0x1f;
        x >>= 5;
        more = (c & 0x10) ? x !== -1 : x !== 0;
        if (more) c |= 0x20;
        out += String.fromCharCode(c + 48);
      }
    }
    return out;
  }
  // a canvas back to a label: pixels with alpha of half or more, column by column; null when empty
  function encodeMask(label, c) {
    const w = c.width, h = c.height;
    const data = c.getContext("2d").getImageData(0, 0, w, h).data;
    const runs = [];
    let cur = 0, run = 0, x0 = w, y0 = h, x1 = -1, y1 = -1, any = false;
    for (let x = 0; x < w; x++) {
      for (let y = 0; y < h; y++) {
        const v = data[(y * w + x) * 4 + 3] >= 128 ? 1 : 0;
        if (v) { any = true; x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
        if (v !== cur) { runs.push(run); run = 0; cur = v; }
        run++;
      }
    }
    runs.push(run);
    if (!any) return null;
    return {label, score: 1, box: {x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1}, mask: {size: [h, w], counts: rleString(runs)}};
  }
  function activeLayer() {
    return ($("mask-class").value.trim() || (st.labels.find(d => d.mask) || {}).label || $("class-input").value.trim()
      || className(0) || "");
  }
  // the canvas a stroke paints on: the layer's own, or a new empty one for a class without a mask yet
  function strokeCanvases(name) {
    const out = {target: null, others: []};
    for (const d of st.labels) {
      if (!d.mask) continue;
      if (d.label === name) out.target = maskCanvas(d); else out.others.push(maskCanvas(d));
    }
    if (!out.target) {
      const c = document.createElement("canvas");
      c.width = st.f.width; c.height = st.f.height;
      c.className = "mask-canvas";
      out.target = c;
      out.fresh = true;
    }
    return out;
  }
  function paint(layers, from, to, size, erase) {
    const draw = (c, mode, fill) => {
      const g = c.getContext("2d");
      g.globalCompositeOperation = mode;
      g.strokeStyle = fill; g.fillStyle = fill;
      g.lineWidth = size; g.lineCap = "round"; g.lineJoin = "round";
      g.beginPath(); g.moveTo(from.x, from.y); g.lineTo(to.x, to.y); g.stroke();
      if (from.x === to.x && from.y === to.y) { g.beginPath(); g.arc(to.x, to.y, size / 2, 0, 2 * Math.PI); g.fill(); }
    };
    if (erase) { draw(layers.target, "destination-out", "#000"); return; }
    draw(layers.target, "source-over", colourOf(layers.name));
    for (const o of layers.others) draw(o, "destination-out", "#000"); // a pixel has one class
  }
  function fillPolygon(pts) {
    const name = activeLayer();
    if (!name) return;
    const before = snapshot();
    const ls = strokeCanvases(name);
    ls.name = name;
    for (const [c, mode, fill] of [[ls.target, "source-over", colourOf(name)]].concat(ls.others.map(o => [o, "destination-out", "#000"]))) {
      const g = c.getContext("2d");
      g.globalCompositeOperation = mode;
      g.fillStyle = fill;
      g.beginPath();
      g.moveTo(pts[0], pts[1]);
      for (let i = 2; i < pts.length; i += 2) g.lineTo(pts[i], pts[i + 1]);
      g.closePath();
      g.fill();
    }
    storeMasks(ls, before);
  }
  // after a stroke or a fill: every touched layer back into its label (an emptied layer leaves)
  function storeMasks(ls, before) {
    const touched = [ls.target].concat(ls.others);
    const out = [];
    for (const d of st.labels) {
      if (d.mask && touched.includes(maskCanvas(d))) {
        const e = encodeMask(d.label, maskCanvas(d));
        if (e) out.push(e);
      } else {
        out.push(d);
      }
    }
    if (ls.fresh) {
      const e = encodeMask(ls.name, ls.target);
      if (e) out.push(e);
    }
    st.maskCache.clear();
    st.labels = out;
    st.sel = -1;
    change(before);
  }

  const HANDLES = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];
  function handlePoint(b, h) {
    const x = h.includes("w") ? b.x : h.includes("e") ? b.x + b.w : b.x + b.w / 2;
    const y = h.includes("n") ? b.y : h.includes("s") ? b.y + b.h : b.y + b.h / 2;
    return [x, y];
  }
  function drawHandles() {
    layers.handles.innerHTML = "";
    drawOpenPolygon();
    const d = st.labels[st.sel];
    if (!d || !d.box || d.mask) return;
    const size = 8 / st.scale;
    if (d.polygon) {
      const n = d.polygon.length / 2;
      for (let k = 0; k < n; k++) {
        const x = d.polygon[2 * k], y = d.polygon[2 * k + 1];
        const nx = d.polygon[(2 * k + 2) % (2 * n)], ny = d.polygon[(2 * k + 3) % (2 * n)];
        const m = document.createElementNS(SVGNS, "rect");
        m.setAttribute("x", (x + nx) / 2 - size / 3); m.setAttribute("y", (y + ny) / 2 - size / 3);
        m.setAttribute("width", size * 2 / 3); m.setAttribute("height", size * 2 / 3);
        m.setAttribute("class", "edge"); m.dataset.edge = k;
        layers.handles.appendChild(m);
        const c = document.createElementNS(SVGNS, "circle");
        c.setAttribute("cx", x); c.setAttribute("cy", y); c.setAttribute("r", size / 2);
        c.setAttribute("class", "vertex"); c.dataset.vertex = k;
        layers.handles.appendChild(c);
      }
      return;
    }
    for (const h of HANDLES) {
      const [x, y] = handlePoint(d.box, h);
      const r = document.createElementNS(SVGNS, "rect");
      r.setAttribute("x", x - size / 2); r.setAttribute("y", y - size / 2);
      r.setAttribute("width", size); r.setAttribute("height", size);
      r.setAttribute("class", "handle handle-" + h); r.dataset.handle = h;
      layers.handles.appendChild(r);
    }
  }
  function drawOpenPolygon() {
    if (!st.poly || !st.poly.length) return;
    const l = document.createElementNS(SVGNS, "polyline");
    const pts = [];
    for (let i = 0; i < st.poly.length; i += 2) pts.push(st.poly[i] + "," + st.poly[i + 1]);
    l.setAttribute("points", pts.join(" "));
    l.setAttribute("class", "drawing");
    l.setAttribute("vector-effect", "non-scaling-stroke");
    layers.handles.appendChild(l);
    const c = document.createElementNS(SVGNS, "circle");
    c.setAttribute("cx", st.poly[0]); c.setAttribute("cy", st.poly[1]); c.setAttribute("r", 5 / st.scale);
    c.setAttribute("class", "first-vertex");
    layers.handles.appendChild(c);
  }
  function polygonBox(pts) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i < pts.length; i += 2) {
      x0 = Math.min(x0, pts[i]); x1 = Math.max(x1, pts[i]); y0 = Math.min(y0, pts[i + 1]); y1 = Math.max(y1, pts[i + 1]);
    }
    return {x: x0, y: y0, w: x1 - x0, h: y1 - y0};
  }
  function clampPoint(p) {
    return {x: Math.max(0, Math.min(st.f.width, p.x)), y: Math.max(0, Math.min(st.f.height, p.y))};
  }
  function closePolygon() {
    const pts = st.poly;
    st.poly = null;
    if (!pts || pts.length < 6) { render(); return; }
    if (st.tool === "fill") { fillPolygon(pts); return; }
    const name = $("class-input").value.trim() || className(0) || "object";
    if (st.definedClasses && !st.classes.some(c => c.name === name)) {
      $("save-result").textContent = "'" + name + "' is not one of the project's classes";
      render();
      return;
    }
    const before = snapshot();
    st.labels.push({label: name, score: 1, box: polygonBox(pts), polygon: pts});
    st.sel = st.labels.length - 1;
    change(before);
  }
  function deleteVertex(k) {
    const d = st.labels[st.sel];
    if (!d || !d.polygon || d.polygon.length <= 6) return; // a polygon keeps three points
    const before = snapshot();
    d.polygon.splice(2 * k, 2);
    d.box = polygonBox(d.polygon);
    change(before);
  }

  // during a drag only the dragged box and its handles change: no re-render of the others
  function redrawSelected() {
    const d = st.labels[st.sel];
    const p = layers.labels.querySelector('polygon.label[data-i="' + st.sel + '"]');
    if (p) {
      const pts = [];
      for (let i = 0; i < d.polygon.length; i += 2) pts.push(d.polygon[i] + "," + d.polygon[i + 1]);
      p.setAttribute("points", pts.join(" "));
    }
    const r = layers.labels.querySelector('rect.label[data-i="' + st.sel + '"]');
    if (r) {
      r.setAttribute("x", d.box.x); r.setAttribute("y", d.box.y);
      r.setAttribute("width", d.box.w); r.setAttribute("height", d.box.h);
    }
    drawHandles();
  }

  // ---- edits
  function clampBox(b) {
    const W = st.f.width, H = st.f.height;
    let x0 = Math.max(0, Math.min(W, Math.min(b.x, b.x + b.w))), x1 = Math.max(0, Math.min(W, Math.max(b.x, b.x + b.w)));
    let y0 = Math.max(0, Math.min(H, Math.min(b.y, b.y + b.h))), y1 = Math.max(0, Math.min(H, Math.max(b.y, b.y + b.h)));
    return {x: x0, y: y0, w: x1 - x0, h: y1 - y0};
  }
  // a polygon follows its box: moved and scaled with it
  function reshape(d, to) {
    if (d.polygon && d.box.w > 0 && d.box.h > 0) {
      const sx = to.w / d.box.w, sy = to.h / d.box.h;
      d.polygon = d.polygon.map((v, k) => k % 2 === 0 ? to.x + (v - d.box.x) * sx : to.y + (v - d.box.y) * sy);
    }
    d.box = to;
  }
  function moveBy(dx, dy) {
    const d = st.labels[st.sel];
    if (!d || d.mask) return;
    const before = snapshot();
    const W = st.f.width, H = st.f.height;
    reshape(d, {x: Math.max(0, Math.min(W - d.box.w, d.box.x + dx)), y: Math.max(0, Math.min(H - d.box.h, d.box.y + dy)),
      w: d.box.w, h: d.box.h});
    change(before);
  }
  function growBy(dw, dh) {
    const d = st.labels[st.sel];
    if (!d || d.mask) return;
    const before = snapshot();
    reshape(d, clampBox({x: d.box.x, y: d.box.y, w: Math.max(1, d.box.w + dw), h: Math.max(1, d.box.h + dh)}));
    change(before);
  }
  function setClass(name) {
    const d = st.labels[st.sel];
    const out = $("save-result");
    if (!d || !name) return;
    if (st.definedClasses && !st.classes.some(c => c.name === name)) {
      out.textContent = "'" + name + "' is not one of the project's classes";
      return;
    }
    const before = snapshot();
    d.label = name;
    change(before);
  }
  function remove() {
    if (st.sel < 0) return;
    const before = snapshot();
    st.labels.splice(st.sel, 1);
    st.sel = -1;
    change(before);
  }
  function accept(indices) {
    if (!indices.length) return;
    const before = snapshot();
    for (const i of indices) st.labels.push(Object.assign(copy(st.suggestions[i]), {score: 1}));
    st.suggestions = st.suggestions.filter((_, i) => !indices.includes(i));
    st.selSuggestion = -1;
    st.sel = st.labels.length - 1;
    change(before);
  }
  function acceptAll() {
    const min = parseFloat($("min-score").value);
    accept(st.suggestions.map((d, i) => d.score >= min && d.box && !d.mask ? i : -1).filter(i => i >= 0));
  }
  function cycle(back) {
    const n = st.labels.length;
    if (!n) return;
    st.sel = back ? (st.sel <= 0 ? n - 1 : st.sel - 1) : (st.sel + 1) % n;
    st.selSuggestion = -1;
    render();
  }

  // ---- pointer: select, move, resize, draw, pan; wheel: zoom about the pointer
  svg.addEventListener("pointerdown", e => {
    const t = e.target;
    const p = toImage(e.clientX, e.clientY);
    try {
      svg.setPointerCapture(e.pointerId);
    } catch (x) { /* a pointer the browser does not track (a synthetic event): the drag works without capture */ }
    if (e.button === 1 || e.button === 2 || st.space) {
      st.drag = {mode: "pan", x: e.clientX, y: e.clientY, tx: st.tx, ty: st.ty};
    } else if (st.tool === "brush" || st.tool === "eraser") {
      const name = activeLayer();
      if (!name) { $("save-result").textContent = "give the mask layer's class"; e.preventDefault(); return; }
      if (st.definedClasses && !st.classes.some(c => c.name === name)) {
        $("save-result").textContent = "'" + name + "' is not one of the project's classes";
        e.preventDefault();
        return;
      }
      const ls = strokeCanvases(name);
      ls.name = name;
      if (ls.fresh) { // shown while it is painted
        const fo = document.createElementNS(SVGNS, "foreignObject");
        fo.setAttribute("x", 0); fo.setAttribute("y", 0); fo.setAttribute("width", st.f.width); fo.setAttribute("height", st.f.height);
        ls.target.style.opacity = $("mask-opacity").value;
        fo.appendChild(ls.target);
        layers.masks.appendChild(fo);
      }
      const q = clampPoint(p);
      const size = Math.max(1, +$("brush-size").value || 1);
      paint(ls, q, q, size, st.tool === "eraser");
      st.drag = {mode: "paint", layers: ls, last: q, size, erase: st.tool === "eraser", before: snapshot(), moved: true};
    } else if (st.tool === "polygon" || st.tool === "fill") {
      const q = clampPoint(p);
      if (st.poly && st.poly.length >= 6) {
        const first = st.poly;
        const dist = Math.hypot(first[0] - q.x, first[1] - q.y) * st.scale;
        if (dist <= 8) { st.drag = null; closePolygon(); e.preventDefault(); return; }
      }
      st.poly = (st.poly || []).concat([q.x, q.y]);
      st.sel = -1;
      st.drag = null;
      render();
    } else if (t.dataset.vertex !== undefined) {
      if (e.altKey) { st.drag = null; deleteVertex(+t.dataset.vertex); e.preventDefault(); return; }
      st.drag = {mode: "vertex", k: +t.dataset.vertex, before: snapshot(), moved: false};
    } else if (t.dataset.edge !== undefined) {
      const d = st.labels[st.sel], k = +t.dataset.edge, n = d.polygon.length / 2;
      const before = snapshot();
      const x = (d.polygon[2 * k] + d.polygon[(2 * k + 2) % (2 * n)]) / 2;
      const y = (d.polygon[2 * k + 1] + d.polygon[(2 * k + 3) % (2 * n)]) / 2;
      d.polygon.splice(2 * k + 2, 0, x, y); // a new vertex in the middle of the edge, dragged from there
      st.drag = {mode: "vertex", k: k + 1, before, moved: true};
      drawHandles();
    } else if (t.dataset.handle) {
      const d = st.labels[st.sel];
      st.drag = {mode: "resize", handle: t.dataset.handle, p, box: Object.assign({}, d.box), poly: d.polygon && d.polygon.slice(),
        before: snapshot(), moved: false};
    } else if (t.classList.contains("label")) {
      st.sel = +t.dataset.i;
      st.selSuggestion = -1;
      render();
      const d = st.labels[st.sel];
      st.drag = d.mask ? null : {mode: "move", p, box: Object.assign({}, d.box), poly: d.polygon && d.polygon.slice(),
        before: snapshot(), moved: false};
    } else if (t.classList.contains("suggestion")) {
      st.selSuggestion = +t.dataset.i;
      st.sel = -1;
      render();
      st.drag = null;
    } else if (st.tool === "box") {
      st.drag = {mode: "draw", p, before: snapshot(), moved: false};
      st.sel = -1;
    } else {
      st.sel = -1;
      st.selSuggestion = -1;
      render();
      st.drag = {mode: "pan", x: e.clientX, y: e.clientY, tx: st.tx, ty: st.ty};
    }
    e.preventDefault();
  });
  svg.addEventListener("pointermove", e => {
    const g = st.drag;
    if (!g) return;
    if (g.mode === "pan") {
      st.tx = g.tx + e.clientX - g.x;
      st.ty = g.ty + e.clientY - g.y;
      applyView();
      return;
    }
    const p = toImage(e.clientX, e.clientY);
    if (g.mode === "paint") {
      const q = clampPoint(p);
      paint(g.layers, g.last, q, g.size, g.erase);
      g.last = q;
      return;
    }
    if (g.mode === "vertex") {
      const d = st.labels[st.sel], q = clampPoint(p);
      d.polygon[2 * g.k] = q.x;
      d.polygon[2 * g.k + 1] = q.y;
      d.box = polygonBox(d.polygon);
      g.moved = true;
      redrawSelected();
      return;
    }
    const dx = p.x - g.p.x, dy = p.y - g.p.y;
    const W = st.f.width, H = st.f.height;
    if (g.mode === "move") {
      const d = st.labels[st.sel];
      d.box = g.box;
      d.polygon = g.poly ? g.poly.slice() : d.polygon;
      reshape(d, {x: Math.max(0, Math.min(W - g.box.w, g.box.x + dx)), y: Math.max(0, Math.min(H - g.box.h, g.box.y + dy)),
        w: g.box.w, h: g.box.h});
      g.moved = true;
      redrawSelected();
    } else if (g.mode === "resize") {
      const d = st.labels[st.sel], b = g.box, h = g.handle;
      let x0 = b.x, y0 = b.y, x1 = b.x + b.w, y1 = b.y + b.h;
      if (h.includes("w")) x0 += dx;
      if (h.includes("e")) x1 += dx;
      if (h.includes("n")) y0 += dy;
      if (h.includes("s")) y1 += dy;
      d.box = g.box;
      d.polygon = g.poly ? g.poly.slice() : d.polygon;
      reshape(d, clampBox({x: x0, y: y0, w: x1 - x0, h: y1 - y0}));
      g.moved = true;
      redrawSelected();
    } else if (g.mode === "draw") {
      g.box = clampBox({x: g.p.x, y: g.p.y, w: dx, h: dy});
      g.moved = true;
      let r = layers.handles.querySelector("rect.drawing");
      if (!r) {
        r = document.createElementNS(SVGNS, "rect");
        r.setAttribute("class", "drawing");
        r.setAttribute("vector-effect", "non-scaling-stroke");
        layers.handles.appendChild(r);
      }
      r.setAttribute("x", g.box.x); r.setAttribute("y", g.box.y);
      r.setAttribute("width", g.box.w); r.setAttribute("height", g.box.h);
    }
  });
  function endDrag() {
    const g = st.drag;
    st.drag = null;
    if (!g || !g.moved) { render(); return; }
    if (g.mode === "paint") {
      storeMasks(g.layers, g.before);
    } else if (g.mode === "move" || g.mode === "resize" || g.mode === "vertex") {
      change(g.before);
    } else if (g.mode === "draw") {
      if (g.box.w < 2 || g.box.h < 2) { render(); return; }
      const name = $("class-input").value.trim() || className(0) || "object";
      if (st.definedClasses && !st.classes.some(c => c.name === name)) {
        $("save-result").textContent = "'" + name + "' is not one of the project's classes";
        render();
        return;
      }
      st.labels.push({label: name, score: 1, box: g.box});
      st.sel = st.labels.length - 1;
      change(g.before);
    }
  }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);
  svg.addEventListener("contextmenu", e => e.preventDefault());
  svg.addEventListener("dblclick", e => {
    if (e.target.classList.contains("suggestion")) accept([+e.target.dataset.i]);
  });
  svg.addEventListener("wheel", e => {
    e.preventDefault();
    const r = svg.getBoundingClientRect();
    zoomAt(st.scale * (e.deltaY < 0 ? 1.25 : 0.8), e.clientX - r.left, e.clientY - r.top);
  }, {passive: false});

  // ---- keys (not while typing in a field)
  document.addEventListener("keydown", e => {
    const typing = e.target.tagName === "INPUT" && e.target.type !== "checkbox" && e.target.type !== "range";
    const ctrl = e.ctrlKey || e.metaKey;
    if (ctrl && e.key.toLowerCase() === "s") { e.preventDefault(); save(); return; }
    if (typing) {
      if (e.target.id === "class-input" && e.key === "Enter") { setClass(e.target.value.trim()); e.target.blur(); }
      if (e.key === "Escape") e.target.blur();
      return;
    }
    if (ctrl && e.key.toLowerCase() === "z") { e.preventDefault(); e.shiftKey ? redo() : undo(); return; }
    if (ctrl && e.key.toLowerCase() === "y") { e.preventDefault(); redo(); return; }
    if (ctrl) return;
    const step = e.shiftKey ? 10 : 1;
    const arrows = {ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step]};
    if (arrows[e.key] && st.sel >= 0) {
      e.preventDefault();
      const [dx, dy] = arrows[e.key];
      e.altKey ? growBy(dx, dy) : moveBy(dx, dy);
    } else if (e.key === "Tab") {
      e.preventDefault();
      cycle(e.shiftKey);
    } else if (st.poly && (e.key === "Enter" || e.key === "Escape" || e.key === "Backspace")) {
      e.preventDefault();
      if (e.key === "Enter") closePolygon();
      else if (e.key === "Escape") { st.poly = null; render(); }
      else { st.poly.splice(-2, 2); render(); }
    } else if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      remove();
    } else if (/^[1-9]$/.test(e.key) && className(+e.key - 1)) {
      setClass(className(+e.key - 1));
    } else if (e.key === "b" || e.key === "B") {
      tool("box");
    } else if (e.key === "p" || e.key === "P") {
      tool("polygon");
    } else if (e.key === "m" || e.key === "M") {
      tool("brush");
    } else if (e.key === "e" || e.key === "E") {
      tool("eraser");
    } else if (e.key === "f" || e.key === "F") {
      tool("fill");
    } else if (e.key === "v" || e.key === "V") {
      tool("select");
    } else if (e.key === "Escape") {
      st.sel = -1; st.selSuggestion = -1; tool("select"); render();
    } else if (e.key === "a" && st.selSuggestion >= 0) {
      accept([st.selSuggestion]);
    } else if (e.key === "A") {
      acceptAll();
    } else if (e.key === "+" || e.key === "=") {
      zoomAt(st.scale * 2, ...centre());
    } else if (e.key === "-") {
      zoomAt(st.scale / 2, ...centre());
    } else if (e.key === "0") {
      fit();
    } else if (e.key === " ") {
      e.preventDefault();
      st.space = true;
    }
  });
  document.addEventListener("keyup", e => { if (e.key === " ") st.space = false; });
  function tool(name) {
    st.tool = name;
    if (name !== "polygon" && name !== "fill" && st.poly) { st.poly = null; render(); }
    for (const t of ["select", "box", "polygon", "brush", "eraser", "fill"]) $("tool-" + t).classList.toggle("active", name === t);
    svg.classList.toggle("drawing-tool", name !== "select");
  }

  // ---- saving: a new revision based on the one loaded; a conflict shows theirs beside the draft
  async function save() {
    const out = $("save-result");
    const r = await fetch(path + "/labels", {method: "PUT", credentials: "same-origin",
      headers: {"X-CSRF-Token": csrf, "Content-Type": "application/json"},
      body: JSON.stringify({baseRevision: st.base, labels: st.labels})});
    if (r.status === 401) { location.href = "/login"; return false; }
    const j = await r.json();
    if (r.status === 409) {
      st.theirs = j.frame.reviewed || [];
      conflictBox.hidden = false;
      conflictBox.innerHTML = "";
      const p = document.createElement("p");
      p.textContent = (j.author || "another reviewer") + " saved revision " + j.revision + " since this page loaded it: their "
        + "boxes are drawn dotted beside your draft, which is kept. ";
      const mine = document.createElement("button");
      mine.id = "keep-mine"; mine.textContent = "Save mine over revision " + j.revision;
      mine.onclick = () => { st.base = j.revision; st.theirs = null; conflictBox.hidden = true; save(); };
      const theirs = document.createElement("button");
      theirs.id = "take-theirs"; theirs.textContent = "Take theirs";
      theirs.onclick = () => {
        const before = snapshot();
        st.labels = copy(j.frame.reviewed || []);
        st.base = j.revision; st.theirs = null; conflictBox.hidden = true;
        change(before);
      };
      p.appendChild(mine); p.appendChild(document.createTextNode(" ")); p.appendChild(theirs);
      conflictBox.appendChild(p);
      render();
      out.textContent = "not saved: revision " + j.revision + " came first";
      return false;
    }
    if (!r.ok) { out.textContent = "not saved: " + (j.error || r.status); return false; }
    st.base = j.revision;
    st.f = j.frame;
    st.dirty = false;
    st.notice = null;
    localStorage.removeItem(draftKey);
    render();
    out.textContent = "saved as revision " + j.revision;
    stats();
    return true;
  }

  // ---- the review queue (?queue=uncertain|rule|oldest&device=&rule=)
  function skipped() {
    return JSON.parse(sessionStorage.getItem("fieldcap-skipped") || "[]");
  }
  async function next(skipThis) {
    let skip = skipped();
    if (skipThis) { skip.push(device + "/" + frameId); sessionStorage.setItem("fieldcap-skipped", JSON.stringify(skip)); }
    const q = new URLSearchParams({order: queue});
    for (const k of ["device", "rule"]) if (query.get(k)) q.set(k, query.get(k));
    for (const s of skip.slice(-200)) q.append("skip", s);
    const r = await fetch("/api/review/next?" + q, {credentials: "same-origin"});
    if (r.status === 204) { $("queue-stats").textContent = "nothing left to review"; return; }
    const j = await r.json();
    if (!r.ok) { $("queue-stats").textContent = j.error || r.status; return; }
    st.dirty = false; // saved, or skipped on purpose
    const here = new URLSearchParams(location.search);
    location.href = "/frames/" + j.frame.device + "/" + j.frame.frameId + "?" + here;
  }
  async function stats() {
    if (!queue) return;
    try {
      const s = await api("/api/review/stats" + (query.get("device") ? "?device=" + encodeURIComponent(query.get("device")) : ""));
      $("queue-stats").textContent = "reviewed today: " + s.reviewedToday + ", remaining: " + s.remaining;
    } catch (e) { $("queue-stats").textContent = e.message; }
  }

  // ---- the older one-click reviews (accept the pre-labels, reject, flag) reload the editor's state
  async function act(payload) {
    const out = document.getElementById("review-result");
    try {
      const r = await api(path + "/review", {method: "POST", body: JSON.stringify(payload)});
      load(r.frame, false);
      out.textContent = payload.action + ": done";
    } catch (e) { out.textContent = payload.action + ": " + e.message; }
  }

  function load(f, useDraft) {
    st.f = f;
    st.base = f.revision || 0;
    st.labels = copy(f.reviewed || []);
    st.suggestions = f.reviewed ? [] : copy(f.prelabels || []);
    st.undo = []; st.redo = []; st.dirty = false; st.sel = -1; st.selSuggestion = -1; st.theirs = null;
    const draft = useDraft && localStorage.getItem(draftKey);
    st.notice = null;
    if (draft) {
      const d = JSON.parse(draft);
      st.labels = d.labels; st.suggestions = d.suggestions || []; st.base = d.base; st.dirty = true;
      st.notice = "restored an unsaved draft (based on revision " + st.base + ")";
    }
    metaTable(f);
    image.addEventListener("load", () => { holder.dataset.imageMs = performance.now().toFixed(1); }, {once: true});
    image.setAttribute("href", f.image);
    image.setAttribute("width", f.width); image.setAttribute("height", f.height);
    render();
  }

  // ---- wiring
  $("tool-select").onclick = () => tool("select");
  $("tool-box").onclick = () => tool("box");
  $("tool-polygon").onclick = () => tool("polygon");
  $("tool-brush").onclick = () => tool("brush");
  $("tool-eraser").onclick = () => tool("eraser");
  $("tool-fill").onclick = () => tool("fill");
  $("mask-opacity").oninput = () => document.querySelectorAll("canvas.mask-canvas").forEach(c => { c.style.opacity = $("mask-opacity").value; });
  $("delete").onclick = remove;
  $("undo").onclick = undo;
  $("redo").onclick = redo;
  $("zoom-in").onclick = () => zoomAt(st.scale * 2, ...centre());
  $("zoom-out").onclick = () => zoomAt(st.scale / 2, ...centre());
  $("zoom-100").onclick = actual;
  $("zoom-fit").onclick = fit;
  $("show-suggestions").onchange = render;
  $("min-score").oninput = () => { $("min-score-value").textContent = parseFloat($("min-score").value).toFixed(2); };
  $("accept-all").onclick = acceptAll;
  $("clear").onclick = () => { const before = snapshot(); st.labels = []; st.sel = -1; change(before); };
  $("save").onclick = save;
  if (queue) {
    $("save-next").onclick = async () => { if (await save()) next(false); };
    $("skip").onclick = () => next(true);
  }
  document.getElementById("accept").onclick = () => act({action: "accept"});
  document.getElementById("reject").onclick = () => act({action: "reject"});
  document.getElementById("flag").onclick = () => act({action: "flag"});
  document.getElementById("relabel").onclick = () => act({action: "relabel", from: document.getElementById("from").value,
    to: document.getElementById("to").value});
  window.addEventListener("beforeunload", e => {
    if (st.dirty) { e.preventDefault(); e.returnValue = ""; }
  });
  tool("select");
  Promise.all([api(path), api("/api/classes")]).then(([f, c]) => {
    st.classes = c.classes;
    st.definedClasses = c.defined;
    const list = $("class-list");
    for (const k of c.classes) {
      const o = document.createElement("option");
      o.value = k.name;
      list.appendChild(o);
    }
    load(f, true);
    fit();
    stats();
    holder.dataset.readyMs = performance.now().toFixed(1); // from the page's start: what the editor's speed is measured by
    holder.dataset.ready = "true";
  });
}
