// SVG charts drawn by hand: no library, nothing fetched from elsewhere. Every mark carries the number it
// shows in `data-value` (and what it is in other data-* attributes), so a test reads what was drawn.

import { duration, euro, fmt, whole } from "./numbers.js";

export { duration, euro, fmt, whole };

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  for (const child of [].concat(children)) if (child !== null && child !== undefined) node.append(child);
  return node;
}

export function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "style") node.style.cssText = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) if (child !== null && child !== undefined) node.append(child);
  return node;
}

export function linear([d0, d1], [r0, r1]) {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

// A domain with round tick steps; counts, days and euros step by whole numbers at least.
export function niceDomain(min, max, count = 5, { whole = true } = {}) {
  if (max <= min) max = min + 1;
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  const nice = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * magnitude;
  const step = whole ? Math.max(1, Math.round(nice)) : nice;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Math.round(v * 1000) / 1000);
  return { lo, hi, ticks };
}

// The drawing area of one chart; its width follows the panel so the page reads at any size.
export function frame(container, { height, margin = {}, title, desc }) {
  const width = Math.max(300, Math.floor(container.clientWidth || 600));
  const m = { top: 14, right: 18, bottom: 46, left: 58, ...margin };
  const root = svg("svg", {
    class: "chart", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
  });
  root.append(svg("title", {}, title), svg("desc", {}, desc || title));
  const plot = svg("g", { transform: `translate(${m.left},${m.top})` });
  root.append(plot);
  container.append(root);
  return { svg: root, plot, width, height, m, iw: width - m.left - m.right, ih: height - m.top - m.bottom };
}

export function yAxis(f, scale, ticks, label, format = fmt) {
  const g = svg("g", { class: "axis axis-y" });
  for (const t of ticks) {
    const y = scale(t);
    g.append(svg("line", { x1: 0, x2: f.iw, y1: y, y2: y, class: t === 0 ? "zero" : "grid" }));
    g.append(svg("text", { x: -8, y, dy: "0.32em", "text-anchor": "end" }, format(t)));
  }
  if (label) {
    g.append(svg("text", {
      class: "axis-label", "text-anchor": "middle",
      transform: `translate(${14 - f.m.left},${f.ih / 2}) rotate(-90)`,
    }, label));
  }
  f.plot.append(g);
}

export function xAxis(f, positions, label, maxLabels = 12) {
  const g = svg("g", { class: "axis axis-x" });
  g.append(svg("line", { x1: 0, x2: f.iw, y1: f.ih, y2: f.ih, class: "baseline" }));
  const every = Math.max(1, Math.ceil(positions.length / maxLabels));
  positions.forEach(({ x, text }, i) => {
    if (i % every !== 0) return;
    g.append(svg("line", { x1: x, x2: x, y1: f.ih, y2: f.ih + 4, class: "tick" }));
    g.append(svg("text", { x, y: f.ih + 17, "text-anchor": "middle" }, text));
  });
  if (label) {
    g.append(svg("text", { class: "axis-label", x: f.iw / 2, y: f.ih + 38, "text-anchor": "middle" }, label));
  }
  f.plot.append(g);
}

export function xAxisLinear(f, scale, ticks, label, format = fmt) {
  const g = svg("g", { class: "axis axis-x" });
  for (const t of ticks) {
    const x = scale(t);
    g.append(svg("line", { x1: x, x2: x, y1: 0, y2: f.ih, class: t === 0 ? "zero" : "grid" }));
    g.append(svg("text", { x, y: f.ih + 17, "text-anchor": "middle" }, format(t)));
  }
  if (label) {
    g.append(svg("text", { class: "axis-label", x: f.iw / 2, y: f.ih + 38, "text-anchor": "middle" }, label));
  }
  f.plot.append(g);
}

export function legend(items) {
  return h("ul", { class: "legend" }, items.map((item) => h("li", {}, [
    h("span", { class: `swatch ${item.shape || "box"}`, style: `--c:${item.color}` }),
    h("span", { text: item.label }),
  ])));
}

export function emptyState(text) {
  return h("p", { class: "empty", text });
}

// Evenly spread category positions (point scale) across the plot's width.
function points(n, width) {
  if (n <= 1) return () => width / 2;
  return (i) => (i * width) / (n - 1);
}

function linePath(xs, ys) {
  return xs.map((x, i) => `${i ? "L" : "M"}${x.toFixed(1)},${ys[i].toFixed(1)}`).join("");
}

// Stacked areas, one per series, over categories (weeks); a hover column per category carries the total.
export function stackedArea(container, { keys, labels, ticks = labels, series, yLabel, xLabel, title, height = 280 }) {
  const totals = keys.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] || 0), 0));
  const f = frame(container, { height, title, margin: { right: 54 } });
  const dom = niceDomain(0, Math.max(1, ...totals));
  const y = linear([dom.lo, dom.hi], [f.ih, 0]);
  const x = points(keys.length, f.iw);
  yAxis(f, y, dom.ticks, yLabel);
  const lower = keys.map(() => 0);
  for (const s of series) {
    const upper = lower.map((base, i) => base + (s.values[i] || 0));
    const xs = keys.map((_, i) => x(i));
    const top = linePath(xs, upper.map(y));
    const back = xs.slice().reverse().map((px, j) => `L${px.toFixed(1)},${y(lower[xs.length - 1 - j]).toFixed(1)}`);
    f.plot.append(svg("path", {
      d: `${top}${back.join("")}Z`, fill: s.color, class: "area", "data-series": s.key,
      "data-values": s.values.join(","), "data-value": s.values[s.values.length - 1] || 0,
    }));
    upper.forEach((v, i) => { lower[i] = v; });
  }
  f.plot.append(svg("path", { d: linePath(keys.map((_, i) => x(i)), totals.map(y)), class: "total-line" }));
  const step = keys.length > 1 ? f.iw / (keys.length - 1) : f.iw;
  keys.forEach((key, i) => {
    const tip = [`${labels[i]}: ${fmt(totals[i])} open`, ...series
      .filter((s) => s.values[i]).map((s) => `${s.label}: ${fmt(s.values[i])}`)].join("\n");
    f.plot.append(svg("rect", {
      x: x(i) - step / 2, y: 0, width: step, height: f.ih, class: "hover-column",
      "data-x": key, "data-value": totals[i], "data-tip": tip,
    }));
  });
  const last = keys.length - 1;
  if (last >= 0) {
    f.plot.append(svg("text", { x: x(last) + 6, y: y(totals[last]), dy: "0.32em", class: "end-label" },
      fmt(totals[last])));
  }
  xAxis(f, keys.map((_, i) => ({ x: x(i), text: ticks[i] })), xLabel, 9);
  return f;
}

// Bars side by side per category, and one line across them (e.g. inflow, outflow and net).
export function barsAndLine(container, { keys, labels, ticks = labels, bars, line, yLabel, xLabel, title, height = 280 }) {
  const all = [...bars.flatMap((b) => b.values), ...(line ? line.values : [])];
  const f = frame(container, { height, title });
  const dom = niceDomain(Math.min(0, ...all), Math.max(1, ...all));
  const y = linear([dom.lo, dom.hi], [f.ih, 0]);
  yAxis(f, y, dom.ticks, yLabel);
  const band = f.iw / Math.max(1, keys.length);
  const inner = (band * 0.74) / bars.length;
  const center = (i) => band * i + band / 2;
  keys.forEach((key, i) => {
    bars.forEach((b, j) => {
      const v = b.values[i] || 0;
      const x0 = band * i + band * 0.13 + inner * j;
      f.plot.append(svg("rect", {
        x: x0, y: Math.min(y(v), y(0)), width: Math.max(1, inner - 1), height: Math.abs(y(v) - y(0)),
        fill: b.color, class: "bar", "data-series": b.key, "data-x": key, "data-value": v,
        "data-tip": `${labels[i]}\n${b.label}: ${fmt(v)}`,
      }));
    });
  });
  if (line) {
    f.plot.append(svg("path", { d: linePath(keys.map((_, i) => center(i)), line.values.map(y)),
      class: "series-line", stroke: line.color }));
    line.values.forEach((v, i) => f.plot.append(svg("circle", {
      cx: center(i), cy: y(v), r: 3.5, fill: line.color, class: "dot", "data-series": line.key,
      "data-x": keys[i], "data-value": v, "data-tip": `${labels[i]}\n${line.label}: ${fmt(v)}`,
    })));
  }
  xAxis(f, keys.map((_, i) => ({ x: center(i), text: ticks[i] })), xLabel, 10);
  return f;
}

// One horizontal bar cut into segments (e.g. deadline-risk buckets), labelled with their counts.
export function segmentedBar(container, { segments, title, height = 74 }) {
  const total = segments.reduce((sum, s) => sum + s.value, 0);
  const f = frame(container, { height, title, margin: { top: 8, bottom: 24, left: 4, right: 4 } });
  const x = linear([0, Math.max(1, total)], [0, f.iw]);
  let at = 0;
  for (const s of segments) {
    const w = x(s.value) - x(0);
    f.plot.append(svg("rect", {
      x: x(at), y: 0, width: Math.max(0, w - (s.value ? 1 : 0)), height: f.ih, fill: s.color,
      class: "bar", "data-series": s.key, "data-value": s.value,
      "data-tip": `${s.label}: ${fmt(s.value)} (${total ? Math.round((100 * s.value) / total) : 0}%)`,
    }));
    if (w > 34) {
      f.plot.append(svg("text", {
        x: x(at) + w / 2, y: f.ih / 2, dy: "0.35em", "text-anchor": "middle",
        class: s.dark ? "bar-label on-dark" : "bar-label",
      }, fmt(s.value)));
    }
    at += s.value;
  }
  f.plot.append(svg("text", { x: 0, y: f.ih + 17, class: "note" }, `${fmt(total)} open cases before a decision`));
  return f;
}

// Vertical bars, one per category, value on top.
export function columns(container, { bars, yLabel, xLabel, title, height = 240, format = fmt }) {
  const f = frame(container, { height, title, margin: { left: 62 } });
  const dom = niceDomain(0, Math.max(1, ...bars.map((b) => b.value)));
  const y = linear([dom.lo, dom.hi], [f.ih, 0]);
  yAxis(f, y, dom.ticks, yLabel, format);
  const band = f.iw / Math.max(1, bars.length);
  bars.forEach((b, i) => {
    const x0 = band * i + band * 0.18;
    f.plot.append(svg("rect", {
      x: x0, y: y(b.value), width: band * 0.64, height: f.ih - y(b.value), fill: b.color, class: "bar",
      "data-series": b.key, "data-value": b.value, "data-tip": `${b.label}: ${format(b.value)}`,
    }));
    f.plot.append(svg("text", { x: x0 + band * 0.32, y: y(b.value) - 5, "text-anchor": "middle",
      class: "value-label" }, format(b.value)));
  });
  xAxis(f, bars.map((b, i) => ({ x: band * i + band / 2, text: b.label })), xLabel, 12);
  return f;
}

// Horizontal rows of stacked segments (e.g. days in each stage per procedure).
export function stackedRows(container, { rows, keys, colors, labels, xLabel, title, rowHeight = 26 }) {
  const height = rows.length * rowHeight + 60;
  const f = frame(container, { height, title, margin: { left: 176, top: 8 } });
  const totals = rows.map((r) => keys.reduce((sum, k) => sum + (r.values[k] || 0), 0));
  const dom = niceDomain(0, Math.max(...totals, 0.1), 5, { whole: false });
  const x = linear([dom.lo, dom.hi], [0, f.iw]);
  xAxisLinear(f, x, dom.ticks, xLabel);
  rows.forEach((r, i) => {
    const y0 = i * rowHeight + 4;
    f.plot.append(svg("text", { x: -8, y: y0 + (rowHeight - 8) / 2, dy: "0.35em", "text-anchor": "end",
      class: "row-label" }, r.label));
    let at = 0;
    for (const k of keys) {
      const v = r.values[k] || 0;
      if (!v) continue;
      f.plot.append(svg("rect", {
        x: x(at), y: y0, width: Math.max(1, x(v) - x(0) - 1), height: rowHeight - 8, fill: colors[k],
        class: "bar", "data-row": r.key, "data-series": k, "data-value": v,
        "data-tip": `${r.label} · ${labels[k]}\n${r.tips?.[k] || fmt(v)}`,
      }));
      at += v;
    }
    f.plot.append(svg("text", { x: x(at) + 6, y: y0 + (rowHeight - 8) / 2, dy: "0.35em",
      class: "value-label", "data-row": r.key, "data-value": Math.round(totals[i] * 10) / 10 }, fmt(totals[i])));
  });
  return f;
}

// Per row a range from p50 to p95 with a mark at p50, p90 and p95 (lead-time percentiles).
export function percentileRows(container, { rows, xLabel, title, rowHeight = 26 }) {
  const height = rows.length * rowHeight + 60;
  const f = frame(container, { height, title, margin: { left: 176, top: 8, right: 70 } });
  const dom = niceDomain(0, Math.max(1, ...rows.map((r) => r.p95)));
  const x = linear([dom.lo, dom.hi], [0, f.iw]);
  xAxisLinear(f, x, dom.ticks, xLabel);
  rows.forEach((r, i) => {
    const cy = i * rowHeight + rowHeight / 2;
    f.plot.append(svg("text", { x: -8, y: cy, dy: "0.35em", "text-anchor": "end", class: "row-label" }, r.label));
    f.plot.append(svg("line", { x1: x(r.p50), x2: x(r.p95), y1: cy, y2: cy, class: "range" }));
    const tip = `${r.label} (${fmt(r.decided)} decided)\np50 ${r.p50} d · p90 ${r.p90} d · p95 ${r.p95} d`;
    f.plot.append(svg("rect", { x: x(r.p95) - 2, y: cy - 7, width: 4, height: 14, class: "p95",
      "data-row": r.key, "data-series": "p95", "data-value": r.p95, "data-tip": tip }));
    f.plot.append(svg("path", { d: `M${x(r.p90)},${cy - 6}l6,6l-6,6l-6,-6Z`, class: "p90",
      "data-row": r.key, "data-series": "p90", "data-value": r.p90, "data-tip": tip }));
    f.plot.append(svg("circle", { cx: x(r.p50), cy, r: 5.5, class: "p50",
      "data-row": r.key, "data-series": "p50", "data-value": r.p50, "data-tip": tip }));
    f.plot.append(svg("text", { x: f.iw + 8, y: cy, dy: "0.35em", class: "note" }, `n=${fmt(r.decided)}`));
  });
  return f;
}

// A history line, then a forecast line with its low-high band (weekly inflow forecast).
export function forecastLine(container, { history, forecast, yLabel, xLabel, title, height = 250 }) {
  const keys = [...history.map((p) => p.x), ...forecast.map((p) => p.x)];
  const f = frame(container, { height, title });
  const values = [...history.map((p) => p.y), ...forecast.flatMap((p) => [p.y, p.high, p.low])];
  const dom = niceDomain(0, Math.max(1, ...values));
  const y = linear([dom.lo, dom.hi], [f.ih, 0]);
  const x = points(keys.length, f.iw);
  yAxis(f, y, dom.ticks, yLabel);
  const fx = (i) => x(history.length + i);
  if (forecast.length) {
    const top = forecast.map((p, i) => `${i ? "L" : "M"}${fx(i)},${y(p.high)}`).join("");
    const bottom = forecast.slice().reverse().map((p, j) => `L${fx(forecast.length - 1 - j)},${y(p.low)}`);
    f.plot.append(svg("path", { d: `${top}${bottom.join("")}Z`, class: "band", "data-series": "band" }));
    const now = history.length ? (x(history.length - 1) + fx(0)) / 2 : 0;
    f.plot.append(svg("line", { x1: now, x2: now, y1: 0, y2: f.ih, class: "now-line" }));
    f.plot.append(svg("text", { x: now + 4, y: 10, class: "note" }, "forecast →"));
  }
  const line = (pts, xs, cls, series) => {
    if (!pts.length) return;
    f.plot.append(svg("path", { d: linePath(pts.map((_, i) => xs(i)), pts.map((p) => y(p.y))), class: cls }));
    pts.forEach((p, i) => f.plot.append(svg("circle", {
      cx: xs(i), cy: y(p.y), r: 3, class: `dot ${cls}`, "data-series": series, "data-x": p.x,
      "data-value": p.y, "data-low": p.low, "data-high": p.high,
      "data-tip": `week of ${p.x}\n${series}: ${fmt(p.y)}${p.low !== undefined ? ` (${fmt(p.low)}–${fmt(p.high)})` : ""}`,
    })));
  };
  line(history, x, "history-line", "history");
  line(forecast, fx, "forecast-line", "forecast");
  xAxis(f, keys.map((k, i) => ({ x: x(i), text: k.slice(5) })), xLabel, 9);
  return f;
}

// Plain lines over categories (e.g. the projected backlog).
export function lines(container, { keys, labels, ticks = labels, series, yLabel, xLabel, title, height = 250, format = fmt }) {
  const f = frame(container, { height, title });
  const dom = niceDomain(0, Math.max(1, ...series.flatMap((s) => s.values)));
  const y = linear([dom.lo, dom.hi], [f.ih, 0]);
  const x = points(keys.length, f.iw);
  yAxis(f, y, dom.ticks, yLabel);
  for (const s of series) {
    f.plot.append(svg("path", { d: linePath(keys.map((_, i) => x(i)), s.values.map(y)),
      class: "series-line", stroke: s.color, "stroke-dasharray": s.dashed ? "5 4" : null }));
    s.values.forEach((v, i) => f.plot.append(svg("circle", {
      cx: x(i), cy: y(v), r: 3, fill: s.color, class: "dot", "data-series": s.key, "data-x": keys[i],
      "data-value": v, "data-tip": `${labels[i]}\n${s.label}: ${format(v)}`,
    })));
  }
  xAxis(f, keys.map((_, i) => ({ x: x(i), text: ticks[i] })), xLabel, 7);
  return f;
}

// A table whose cells are shaded by their number (a heat map that still reads as numbers).
export function heatTable(container, { rows, cols, value, rowLabel, colLabel, corner, caption }) {
  const max = Math.max(1, ...rows.flatMap((r) => cols.map((c) => value(r, c))));
  const head = h("tr", {}, [h("th", { scope: "col", text: corner }),
    ...cols.map((c) => h("th", { scope: "col", text: colLabel(c) })), h("th", { scope: "col", text: "Total" })]);
  const colTotals = cols.map(() => 0);
  const body = rows.map((r) => {
    let rowTotal = 0;
    const cells = cols.map((c, j) => {
      const v = value(r, c);
      rowTotal += v;
      colTotals[j] += v;
      const share = v / max;
      return h("td", {
        "data-row": r, "data-col": c, "data-value": v, class: share > 0.55 ? "heat dark" : "heat",
        style: v ? `--heat:${(0.08 + 0.92 * share).toFixed(3)}` : null,
        "data-tip": `${rowLabel(r)} · ${colLabel(c)}: ${fmt(v)}`, text: v ? fmt(v) : "·",
      });
    });
    return h("tr", {}, [h("th", { scope: "row", text: rowLabel(r) }), ...cells,
      h("td", { class: "total", "data-row": r, "data-col": "total", "data-value": rowTotal, text: fmt(rowTotal) })]);
  });
  const grand = colTotals.reduce((a, b) => a + b, 0);
  const foot = h("tr", { class: "totals" }, [h("th", { scope: "row", text: "Total" }),
    ...colTotals.map((v, j) => h("td", { class: "total", "data-row": "total", "data-col": cols[j], "data-value": v,
      text: fmt(v) })),
    h("td", { class: "total grand", "data-row": "total", "data-col": "total", "data-value": grand, text: fmt(grand) })]);
  const table = h("table", { class: "heat-table" }, [h("caption", { class: "visually-hidden", text: caption }),
    h("thead", {}, head), h("tbody", {}, body), h("tfoot", {}, foot)]);
  container.append(h("div", { class: "table-scroll" }, table));
  return table;
}
