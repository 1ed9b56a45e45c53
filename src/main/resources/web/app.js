// fieldcap's web app: plain JavaScript, served from the server itself (no CDN, works offline).
"use strict";
const body = document.body;
const csrf = body.dataset.csrf;
const SVGNS = "http://www.w3.org/2000/svg";

async function api(path, options) {
  const o = Object.assign({credentials: "same-origin", headers: {}}, options || {});
  if (o.method && o.method !== "GET") { o.headers["X-CSRF-Token"] = csrf; o.headers["Content-Type"] = "application/json"; }
  const r = await fetch(path, o);
  if (r.status === 401) { location.href = "/login"; throw new Error("not logged in"); }
  const j = await r.json();
  if (!r.ok) throw new Error(j.error || r.status);
  return j;
}

function colour(label) {
  let h = 0;
  for (const c of label) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return "hsl(" + (h % 360) + ",90%,50%)";
}

// a tracked object's colour: the same in every frame of its track, neighbouring ids far apart (golden angle)
function trackColour(id) {
  return "hsl(" + Math.round((id * 137.508) % 360) + ",85%,55%)";
}

// a detection's colour: its track's when it has one, else its class's (from the project's classes when given)
function colourFor(d, byClass) {
  return d.trackId ? trackColour(d.trackId) : (byClass ? byClass(d.label) : colour(d.label));
}

// its caption: class, track and score
function caption(d) {
  return d.label + (d.trackId ? " #" + d.trackId : "") + (d.score < 1 ? " " + d.score.toFixed(2) : "");
}

// COCO's compressed RLE counts (pycocotools' rleFrString): runs of 0s and 1s, column by column
function rleRuns(s) {
  const out = [];
  let p = 0;
  while (p < s.length) {
    let x = 0, k = 0, more = true;
    while (more) {
      const c = s.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++; k++;
      if (!more && (c & 0x10)) x |= -1 << (5 * k);
    }
    if (out.length > 2) x += out[out.length - 2];
    out.push(x);
  }
  return out;
}

// a semantic mask as a translucent image in its class's colour
function maskImage(mask, colourName) {
  const h = mask.size[0], w = mask.size[1];
  const canvas = document.createElement("canvas");
  canvas.width = w; canvas.height = h;
  const g = canvas.getContext("2d");
  const img = g.createImageData(w, h);
  let pos = 0;
  rleRuns(mask.counts).forEach((run, i) => {
    if (i % 2 === 1) {
      for (let q = pos; q < pos + run; q++) img.data[((q % h) * w + Math.floor(q / h)) * 4 + 3] = 255;
    }
    pos += run;
  });
  g.putImageData(img, 0, 0);
  g.globalCompositeOperation = "source-in";
  g.fillStyle = colourName;
  g.fillRect(0, 0, w, h);
  const im = document.createElementNS(SVGNS, "image");
  im.setAttribute("href", canvas.toDataURL());
  im.setAttribute("x", 0); im.setAttribute("y", 0); im.setAttribute("width", w); im.setAttribute("height", h);
  im.setAttribute("opacity", "0.45"); im.setAttribute("preserveAspectRatio", "none");
  im.setAttribute("class", "mask");
  return im;
}

// labels drawn in the image's own pixel coordinates: the SVG's viewBox is the image size
function overlay(width, height, sets) {
  const svg = document.createElementNS(SVGNS, "svg");
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("width", "100%");
  svg.setAttribute("height", "100%");
  for (const [labels, dashed, kind] of sets) {
    for (const d of labels || []) {
      if (!d.box) continue;
      const c = colourFor(d);
      if (d.mask) { // semantic segmentation: the class's pixels, not a box (a background class is not drawn)
        if (d.label.toLowerCase() === "background") continue;
        try { svg.appendChild(maskImage(d.mask, c)); } catch (e) { console.warn("mask of " + d.label + ": " + e); }
        const t = document.createElementNS(SVGNS, "text");
        t.setAttribute("x", d.box.x); t.setAttribute("y", Math.max(12, d.box.y + 12)); t.setAttribute("fill", c);
        t.setAttribute("font-size", Math.max(12, height / 30));
        t.textContent = d.label + (d.score < 1 ? " " + d.score.toFixed(2) : "");
        svg.appendChild(t);
        continue;
      }
      if (d.polygon) {
        const p = document.createElementNS(SVGNS, "polygon");
        const pts = [];
        for (let i = 0; i < d.polygon.length; i += 2) pts.push(d.polygon[i] + "," + d.polygon[i + 1]);
        p.setAttribute("points", pts.join(" "));
        p.setAttribute("fill", "none"); p.setAttribute("stroke", c); p.setAttribute("vector-effect", "non-scaling-stroke");
        svg.appendChild(p);
      }
      const r = document.createElementNS(SVGNS, "rect");
      r.setAttribute("x", d.box.x); r.setAttribute("y", d.box.y); r.setAttribute("width", d.box.w); r.setAttribute("height", d.box.h);
      r.setAttribute("fill", "none"); r.setAttribute("stroke", c); r.setAttribute("stroke-width", "3");
      r.setAttribute("vector-effect", "non-scaling-stroke");
      if (dashed) r.setAttribute("stroke-dasharray", "6 3");
      r.setAttribute("class", kind ? "box " + kind : "box"); r.dataset.label = d.label;
      if (d.trackId) r.dataset.track = d.trackId;
      svg.appendChild(r);
      const t = document.createElementNS(SVGNS, "text");
      t.setAttribute("x", d.box.x); t.setAttribute("y", Math.max(12, d.box.y - 3)); t.setAttribute("fill", c);
      t.setAttribute("font-size", Math.max(12, height / 30));
      t.textContent = caption(d);
      svg.appendChild(t);
    }
  }
  return svg;
}

function fleet() {
  const tbody = document.querySelector("#fleet tbody");
  async function refresh() {
    try {
      const devices = await api("/api/devices");
      tbody.innerHTML = "";
      for (const d of devices) {
        try {
          tbody.appendChild(fleetRow(d));
        } catch (e) { // one device's odd status costs its own row, never the table
          const tr = document.createElement("tr"), td = document.createElement("td");
          tr.className = "invalid"; td.colSpan = 13;
          td.textContent = String(d && d.device) + ": status cannot be shown (" + e.message + ")";
          tr.appendChild(td); tbody.appendChild(tr);
        }
      }
      document.getElementById("fleet-updated").textContent = "updated " + new Date().toISOString();
    } catch (e) { document.getElementById("fleet-updated").textContent = "cannot reach the server: " + e.message; }
  }
  function fleetRow(d) {
    const tr = document.createElement("tr");
    tr.className = d.online ? "online" : "offline";
    if (d.invalid) { tr.className += " invalid"; tr.title = "fields left out, of the wrong shape: " + d.invalid.join(", "); }
    tr.dataset.device = d.device;
    const pos = d.position ? d.position.lat.toFixed(6) + ", " + d.position.lon.toFixed(6) : "";
    const mb = v => v == null ? "" : v >= 1e9 ? (v / 1e9).toFixed(1) + " GB" : (v / 1e6).toFixed(1) + " MB";
    const rej = d.rejectedBy ? Object.entries(d.rejectedBy).map(([k, v]) => k + " " + v).join(", ") : "";
    const upd = d.updates ? Object.entries(d.updates).filter(([, u]) => u.state)
      .map(([k, u]) => k + " " + u.state + " #" + u.sequence + (u.reason ? " (" + u.reason + ")" : "")).join(", ") : "";
    for (const v of [d.device, d.state, d.lastSeen || "", (d.model || "") + (d.version ? "@" + d.version : ""), d.fps ?? "",
                     d.backlog ?? "", d.inFlight ?? "", mb(d.spoolBytes), mb(d.diskFree), rej || (d.rejected ?? ""), pos,
                     d.config || "", upd]) {
      const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
    }
    return tr;
  }
  refresh();
  setInterval(refresh, 2000);
}

function gallery() {
  const box = document.getElementById("gallery");
  const form = document.getElementById("filters");
  let next = null, selected = -1;
  function query(after) {
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) p.set(k, v);
    p.set("limit", "48");
    if (after) p.set("after", after);
    return "/api/frames?" + p;
  }
  function select(i) {
    const cards = box.querySelectorAll(".card");
    if (!cards.length) return;
    selected = Math.max(0, Math.min(cards.length - 1, i));
    cards.forEach((c, k) => c.classList.toggle("selected", k === selected));
    cards[selected].scrollIntoView({block: "nearest"});
  }
  async function load(reset) {
    const j = await api(query(reset ? null : next));
    if (reset) { box.innerHTML = ""; selected = -1; }
    for (const f of j.frames) {
      const card = document.createElement("div");
      card.className = "card";
      card.dataset.device = f.device; card.dataset.frame = f.frameId;
      const img = document.createElement("img");
      img.src = f.thumb; img.alt = f.device + " " + f.capturedAt;
      img.style.aspectRatio = f.width + " / " + f.height;
      const frameBox = document.createElement("div");
      frameBox.style.position = "relative";
      frameBox.appendChild(img);
      frameBox.appendChild(overlay(f.width, f.height, [[f.reviewed || f.prelabels, !f.reviewed]]));
      card.appendChild(frameBox);
      const cap = document.createElement("div");
      cap.className = "caption";
      cap.textContent = f.device + " " + f.capturedAt + (f.marks.length ? " [" + f.marks.join(",") + "]" : "") + (f.reviewed ? " reviewed" : "");
      card.appendChild(cap);
      card.addEventListener("click", () => location.href = "/frames/" + f.device + "/" + f.frameId);
      box.appendChild(card);
    }
    next = j.next;
    document.getElementById("more").disabled = !next;
  }
  form.addEventListener("submit", e => { e.preventDefault(); load(true); });
  if (body.dataset.role === "viewer") document.getElementById("send-box").hidden = true;
  document.getElementById("send").addEventListener("click", async () => {
    const q = {format: document.getElementById("send-format").value, limit: 1000};
    for (const [k, v] of new FormData(form)) if (v && k !== "tag") q[k] = k === "minScore" ? Number(v) : v;
    const out = document.getElementById("send-result");
    try {
      const r = await api("/api/labeling", {method: "POST", body: JSON.stringify(q)});
      out.textContent = r.images + " images in " + r.batch + ": ";
      const a = document.createElement("a");
      a.href = r.tasks || r.annotationsUrl; a.textContent = r.tasks ? "tasks.json for Label Studio" : "annotations.xml for CVAT";
      a.id = "send-link";
      out.appendChild(a);
    } catch (e) { out.textContent = e.message; }
  });
  document.getElementById("more").addEventListener("click", () => load(false));
  document.addEventListener("keydown", e => {
    if (e.target.tagName === "INPUT") return;
    const perRow = Math.max(1, Math.floor(box.clientWidth / 330));
    if (e.key === "ArrowRight") select(selected + 1);
    else if (e.key === "ArrowLeft") select(selected - 1);
    else if (e.key === "ArrowDown") select(selected + perRow);
    else if (e.key === "ArrowUp") select(selected - perRow);
    else if (e.key === "Enter" && selected >= 0) box.querySelectorAll(".card")[selected].click();
    else if (e.key === "n" && next) load(false);
  });
  load(true);
}

// the frame page's table of what is known about the frame
function metaTable(f) {
  const meta = document.getElementById("meta");
  meta.innerHTML = "";
  const rows = [["device", f.device], ["captured", f.capturedAt], ["size", f.width + " x " + f.height], ["SHA-256", f.sha256],
    ["model", (f.model || "") + (f.modelVersion ? "@" + f.modelVersion : "")], ["kept by", f.meta && f.meta.keptBy],
    ["GPS", f.meta && f.meta.gps ? f.meta.gps.lat + ", " + f.meta.gps.lon : ""], ["tags", f.meta && f.meta.tags ? JSON.stringify(f.meta.tags) : ""],
    ["revision", f.revision], ["marks", f.marks.join(", ")]];
  for (const [k, v] of rows) {
    const tr = document.createElement("tr");
    const th = document.createElement("th"); th.textContent = k;
    const td = document.createElement("td"); td.textContent = v ?? "";
    tr.appendChild(th); tr.appendChild(td); meta.appendChild(tr);
  }
}

function frame() {
  if (body.dataset.role !== "viewer" && typeof editor === "function") { editor(); return; } // editor.js, for reviewers
  const path = "/api/frames/" + body.dataset.device + "/" + body.dataset.frame;
  const holder = document.getElementById("frame");
  let f = null;
  function show() {
    const which = document.querySelector("input[name=show]:checked").value;
    holder.innerHTML = "";
    const img = document.createElement("img");
    img.src = f.image; img.alt = f.device + " " + f.frameId;
    holder.appendChild(img);
    const sets = [];
    if (which === "model") { // the evaluation's truth (reviewed labels, or the best there were) solid, the model's dashed
      const truth = evaluated.labels === "best" ? (f.reviewed || f.prelabels) : f.reviewed;
      if (truth) sets.push([truth, false]);
      sets.push([evaluated.detections, true, "model"]);
    } else {
      if (which !== "reviewed") sets.push([f.prelabels, true]);
      if (which !== "prelabels" && f.reviewed) sets.push([f.reviewed, false]);
    }
    holder.appendChild(overlay(f.width, f.height, sets));
    metaTable(f);
  }
  async function act(payload) {
    const out = document.getElementById("review-result");
    try {
      const r = await api(path + "/review", {method: "POST", body: JSON.stringify(payload)});
      f = r.frame; show(); out.textContent = payload.action + ": done";
    } catch (e) { out.textContent = payload.action + ": " + e.message; }
  }
  if (body.dataset.role === "viewer") document.getElementById("review").hidden = true;
  document.getElementById("accept").onclick = () => act({action: "accept"});
  document.getElementById("reject").onclick = () => act({action: "reject"});
  document.getElementById("flag").onclick = () => act({action: "flag"});
  document.getElementById("relabel").onclick = () => act({action: "relabel", from: document.getElementById("from").value,
                                                                to: document.getElementById("to").value});
  // from a model's page (?eval=ID): what that evaluation's model found here, beside the reviewed labels
  const evalId = new URLSearchParams(location.search).get("eval");
  let evaluated = null;
  async function loadEvaluated() {
    if (!evalId || !/^[0-9a-f-]{36}$/.test(evalId)) return;
    const note = document.getElementById("evaluated");
    try {
      evaluated = await api("/api/evaluations/" + evalId + "/frames/" + body.dataset.device + "/" + body.dataset.frame);
    } catch (e) { note.textContent = "evaluation: " + e.message; note.hidden = false; return; }
    const label = document.createElement("label");
    const radio = document.createElement("input");
    radio.type = "radio"; radio.name = "show"; radio.value = "model"; radio.checked = true;
    radio.addEventListener("change", show);
    label.appendChild(radio);
    label.appendChild(document.createTextNode(" " + evaluated.labels + " labels and " + evaluated.model + "'s detections"));
    document.querySelector("input[name=show]").parentElement.parentElement.appendChild(label);
    note.textContent = evaluated.model + " on dataset " + evaluated.dataset + " split " + evaluated.split + ": "
      + evaluated.detections.length + " detections scored at least " + evaluated.minScore + " (dashed), "
      + evaluated.falsePositives + " false positives and " + evaluated.falseNegatives + " false negatives at IoU 0.5";
    note.hidden = false;
  }
  document.querySelectorAll("input[name=show]").forEach(r => r.addEventListener("change", show));
  Promise.all([api(path), loadEvaluated()]).then(([j]) => { f = j; show(); });
}

// the project's classes; an admin edits them as lines of "name #colour"
function classes() {
  const body_ = document.querySelector("#classes tbody");
  function show(c) {
    body_.innerHTML = "";
    c.classes.forEach((k, i) => {
      const tr = document.createElement("tr");
      for (const v of [i < 9 ? String(i + 1) : "", k.name, k.colour || "(from the name)"]) {
        const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
      }
      tr.children[1].style.color = k.colour || colour(k.name);
      body_.appendChild(tr);
    });
    document.getElementById("classes-note").textContent = c.defined ? "Set by an admin." :
      "Not set yet: these are the classes the labels hold; until an admin sets the list, any class may be saved.";
    const text = document.getElementById("classes-text");
    if (text) text.value = c.classes.map(k => k.name + (k.colour ? " " + k.colour : "")).join("\n");
  }
  api("/api/classes").then(show);
  const save = document.getElementById("classes-save");
  if (save) save.onclick = async () => {
    const out = document.getElementById("classes-result");
    const list = document.getElementById("classes-text").value.split("\n").map(l => l.trim()).filter(l => l).map(l => {
      const m = l.match(/^(.*?)\s+(#[0-9a-fA-F]{6})$/);
      return m ? {name: m[1], colour: m[2]} : {name: l, colour: null};
    });
    try {
      show(await api("/api/classes", {method: "PUT", body: JSON.stringify({classes: list})}));
      out.textContent = "saved";
    } catch (e) { out.textContent = "not saved: " + e.message; }
  };
}

// the review queue's start page: the first frame of the chosen order opens in the editor, which goes on from there
function review() {
  document.getElementById("review-start").addEventListener("submit", async e => {
    e.preventDefault();
    const form = new FormData(e.target);
    const q = new URLSearchParams();
    q.set("order", form.get("queue"));
    for (const k of ["device", "rule"]) if (form.get(k)) q.set(k, form.get(k));
    sessionStorage.removeItem("fieldcap-skipped");
    const r = await fetch("/api/review/next?" + q, {credentials: "same-origin"});
    const out = document.getElementById("review-status");
    if (r.status === 204) { out.textContent = "Nothing left to review in this order."; return; }
    const j = await r.json();
    if (!r.ok) { out.textContent = j.error || r.status; return; }
    const keep = new URLSearchParams({queue: form.get("queue")});
    for (const k of ["device", "rule"]) if (form.get(k)) keep.set(k, form.get(k));
    location.href = "/frames/" + j.frame.device + "/" + j.frame.frameId + "?" + keep;
  });
}

// the clips the devices recorded, newest first
async function clips() {
  const tbody = document.querySelector("#clips tbody");
  for (const c of await api("/api/clips")) {
    const tr = document.createElement("tr");
    const a = document.createElement("a");
    a.href = "/clips/" + c.device + "/" + c.clipId;
    a.textContent = c.startedAt;
    for (const v of [c.device, a, c.frames + " at " + c.fps + " fps", c.rule || "", c.bytes]) {
      const td = document.createElement("td");
      if (v instanceof Node) td.appendChild(v); else td.textContent = v;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}

// one clip: the video, and over it the boxes of the frame on screen (frame i plays from i / fps seconds)
async function clip() {
  const c = await api("/api/clips/" + body.dataset.device + "/" + body.dataset.clip);
  const video = document.getElementById("clip-video");
  const boxes = document.getElementById("clip-boxes");
  const info = document.getElementById("clip-frame");
  const frames = c.labels.frames;
  let shown = -1;
  function show(t) {
    const i = Math.max(0, Math.min(frames.length - 1, Math.floor(t * c.fps + 1e-3)));
    if (i === shown) return;
    shown = i;
    const f = frames[i];
    boxes.replaceChildren(overlay(c.width, c.height, [[f.labels ? f.labels.detections : [], false, "clip"]]));
    boxes.dataset.frame = i;
    info.textContent = "frame " + i + " of " + frames.length + (i === c.labels.trigger ? " (the trigger)" : "")
      + ", captured " + f.capturedAt;
  }
  const tick = (now, meta) => { show(meta.mediaTime); video.requestVideoFrameCallback(tick); };
  if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(tick);
  video.addEventListener("timeupdate", () => show(video.currentTime));
  video.addEventListener("seeked", () => show(video.currentTime));
  show(0);
}

document.addEventListener("DOMContentLoaded", () => {
  const logout = document.getElementById("logout");
  if (logout) logout.onclick = () => api("/logout", {method: "POST"}).then(() => location.href = "/login");
  ({fleet, gallery, frame, review, classes, clips, clip}[body.dataset.page] || (() => {}))();
});
