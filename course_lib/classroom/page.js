// The classroom page's script: decode the frames course_lib computed, build the sliders, and
// draw the frame of the sliders' positions over the background. It computes nothing of the
// course: every line, marker, text and status comes from the page's data (course_lib/classroom).
"use strict";
(async function () {
  const controls = JSON.parse(document.getElementById("controls").textContent);
  const canvas = document.getElementById("canvas");
  const ctx = canvas.getContext("2d");
  const statusBox = document.getElementById("status");

  // -- the data: base64 → gzip → [u32 header length][header JSON][arrays] -------------------
  const b64 = document.getElementById("frames").textContent.trim();
  const packed = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("gzip"));
  const buffer = await new Response(stream).arrayBuffer();
  const headLength = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, headLength)));
  const types = { int16: Int16Array, int32: Int32Array };
  const arrays = {};
  for (const [name, spec] of Object.entries(header.arrays)) {
    arrays[name] = new types[spec.dtype](buffer, 4 + headLength + spec.offset, spec.length);
  }
  const { coords, offsets, frames, status } = arrays;
  const layers = header.layers;
  const Q = header.quantum, BREAK = header.break;
  const order = layers.map((_, i) => i)
    .sort((a, b) => layers[a].style.zorder - layers[b].style.zorder || a - b);

  // -- drawing ---------------------------------------------------------------------------------
  function withClip(box, draw) {
    ctx.save();
    ctx.beginPath();
    ctx.rect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
    ctx.clip();
    draw();
    ctx.restore();
  }

  function marker(shape, x, y, m) {
    const r = m.size / 2;
    ctx.beginPath();
    if (shape === "circle") {
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    } else if (shape === "square") {
      ctx.rect(x - r, y - r, 2 * r, 2 * r);
    } else if (shape === "diamond") {
      ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y);
      ctx.closePath();
    } else if (shape === "x") {         // matplotlib's filled "X"
      const w = r * 0.4;
      const pts = [[-r, -r + w], [-r + w, -r], [0, -w], [r - w, -r], [r, -r + w], [w, 0],
                   [r, r - w], [r - w, r], [0, w], [-r + w, r], [-r, r - w], [-w, 0]];
      pts.forEach(([dx, dy], k) => (k ? ctx.lineTo(x + dx, y + dy) : ctx.moveTo(x + dx, y + dy)));
      ctx.closePath();
    } else {                              // star
      for (let k = 0; k < 10; k++) {
        const a = -Math.PI / 2 + (k * Math.PI) / 5, q = k % 2 ? r * 0.38 : r;
        k ? ctx.lineTo(x + q * Math.cos(a), y + q * Math.sin(a))
          : ctx.moveTo(x + q * Math.cos(a), y + q * Math.sin(a));
      }
      ctx.closePath();
    }
    ctx.fillStyle = m.fill;
    ctx.fill();
    if (m.edge_width > 0) {
      ctx.lineWidth = m.edge_width;
      ctx.strokeStyle = m.edge;
      ctx.setLineDash([]);
      ctx.stroke();
    }
  }

  function drawLine(style, id, alphaScale) {
    let p = offsets[id];
    const nLine = coords[p];
    p += 2;
    const lineStart = p;
    ctx.globalAlpha = alphaScale;
    if (style.width > 0 && nLine > 1) {
      ctx.beginPath();
      let pen = false, x = 0, y = 0;         // rows are steps from the previous point
      for (let k = 0; k < nLine; k++, p += 2) {
        if (coords[p] === BREAK && coords[p + 1] === BREAK) { pen = false; continue; }
        x += coords[p]; y += coords[p + 1];
        if (pen) ctx.lineTo(x / Q, y / Q); else { ctx.moveTo(x / Q, y / Q); pen = true; }
      }
      ctx.lineWidth = style.width;
      ctx.strokeStyle = style.colour;
      ctx.lineJoin = "round";
      ctx.lineCap = "butt";
      ctx.setLineDash(style.dash);
      ctx.stroke();
    } else {
      p += 2 * nLine;
    }
    let nMarks = coords[p];
    p += 2;
    if (nMarks < 0) {                     // the markers sit at the line's vertices
      p = lineStart;
      nMarks = nLine;
    }
    if (style.marker) {
      let x = 0, y = 0;
      for (let k = 0; k < nMarks; k++, p += 2) {
        if (coords[p] === BREAK && coords[p + 1] === BREAK) continue;
        x += coords[p]; y += coords[p + 1];
        marker(style.marker.shape, x / Q, y / Q, style.marker);
      }
    }
    ctx.globalAlpha = 1;
  }

  function drawText(style, id) {
    const [x, y, text] = header.texts[id];
    const lines = text.split("\n");
    const lineHeight = style.size * 1.2;
    ctx.font = `${style.size}px ${style.family}`;
    ctx.fillStyle = style.colour;
    ctx.textAlign = { center: "center", left: "left", right: "right" }[style.ha] || "left";
    ctx.textBaseline = "middle";
    const shift = { center: -(lines.length - 1) / 2, center_baseline: -(lines.length - 1) / 2,
                    top: 0.5, bottom: -(lines.length - 0.5), baseline: -(lines.length - 1) }[style.va] || 0;
    lines.forEach((line, k) => ctx.fillText(line, x, y + (shift + k) * lineHeight));
  }

  function drawLayer(layer, style, id, alphaScale) {
    if (id < 0) return;
    withClip(layer.clip, () => (style.kind === "text" ? drawText(style, id)
                                                    : drawLine(style, id, alphaScale)));
  }

  const L = layers.length;
  let shown = null, previous = null;
  function draw(frame) {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (previous !== null && header.previous) {          // the previous setting, faded
      for (const [i, style] of Object.entries(header.previous)) {
        drawLayer(layers[i], style, frames[previous * L + Number(i)], 1);
      }
    }
    for (const i of order) drawLayer(layers[i], layers[i].style, frames[frame * L + i], 1);
    statusBox.innerHTML = header.statuses[status[frame]];
  }

  // -- controls --------------------------------------------------------------------------------
  const sliders = controls.sliders.map((s) => {
    const row = document.createElement("div");
    row.className = "slider";
    const id = `slider-${s.attr}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = s.label;
    const input = document.createElement("input");
    Object.assign(input, { type: "range", id, min: 0, max: s.readouts.length - 1, step: 1,
                           value: s.start });
    input.dataset.attr = s.attr;
    const out = document.createElement("output");
    out.htmlFor = id;
    row.append(label, input, out);
    document.getElementById("sliders").append(row);
    return { spec: s, input, out };
  });

  function frameIndex() {
    return sliders.reduce((f, s) => f * s.spec.readouts.length + Number(s.input.value), 0);
  }

  // keypress-to-redraw, for the tests: from the key or pointer event that moved a slider to
  // the end of the drawing, and to the next animation frame (the frame that shows it)
  const timings = [];
  let began = null;
  function update(event) {
    const t0 = performance.now();
    for (const s of sliders) {
      const text = s.spec.readouts[Number(s.input.value)];
      s.out.value = text;
      s.input.setAttribute("aria-valuetext", `${s.spec.label} ${text}`);
    }
    const frame = frameIndex();
    if (frame !== shown) {
      previous = shown;
      shown = frame;
      draw(frame);
    }
    const t1 = performance.now();
    window.classroom.draws += 1;
    const entry = { event: began ?? (event ? event.timeStamp : t0), start: t0, end: t1 };
    began = null;
    timings.push(entry);
    requestAnimationFrame(() => { entry.frame = performance.now(); });
  }

  for (const s of sliders) {
    s.input.addEventListener("input", update);
    for (const kind of ["keydown", "pointerdown"]) {
      s.input.addEventListener(kind, (event) => { began = event.timeStamp; });
    }
  }
  const presetBox = document.getElementById("presets");
  if (controls.presets.length) {
    const title = document.createElement("span");
    title.textContent = "presets:";
    presetBox.append(title);
  }
  for (const p of controls.presets) {
    const b = document.createElement("button");
    b.textContent = p.name;
    b.title = p.says;
    b.addEventListener("click", (event) => {
      for (const s of sliders) s.input.value = p.indices[s.spec.attr];
      update(event);
    });
    presetBox.append(b);
  }
  window.classroom = { draws: 0, timings, frame: () => shown, previous: () => previous,
                       readouts: () => sliders.map((s) => [s.spec.attr, s.out.value]) };
  update(null);
  document.body.dataset.ready = "true";
})().catch((error) => {
  document.getElementById("status").textContent = `This page could not start: ${error}`;
  document.body.dataset.ready = "error";
  throw error;
});
