// The drill-down: one case's facts, its statutory clock, and every event on a vertical timeline.

import { getJson } from "./api.js";
import { fmt, h, svg } from "./charts.js";
import { eventLabel, procedureLabel, stageLabel, trackLabel } from "./vocabulary.js";

const DAY_MS = 86_400_000;
const dayNumber = (iso) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoDay = (n) => new Date(n * DAY_MS).toISOString().slice(0, 10);

function fact(label, value, attrs = {}) {
  return h("div", { class: "fact", ...attrs }, [h("dt", { text: label }), h("dd", { text: value ?? "—" })]);
}

function remaining(days) {
  if (days === null || days === undefined) return ["no deadline yet", "muted"];
  if (days < 0) return [`${fmt(-days)} days overdue`, "bad"];
  if (days < 7) return [`${fmt(days)} days left`, "warn"];
  return [`${fmt(days)} days left`, "good"];
}

// Received -> today -> statutory deadline, as one bar: how much of the period is used.
function clockBar(c) {
  if (!c.received_on || !c.statutory_deadline || c.days_remaining === null) return null;
  const start = dayNumber(c.received_on);
  const end = dayNumber(c.statutory_deadline);
  const today = end - c.days_remaining;
  const width = 520;
  const span = Math.max(end, today) - start || 1;
  const x = (d) => 8 + ((width - 16) * (d - start)) / span;
  const used = Math.max(0, Math.min(today, end) - start);
  return svg("svg", { class: "clock-bar", width: "100%", height: 58, viewBox: `0 0 ${width} 58`, role: "img",
    "data-value": c.days_remaining, "aria-label": "Statutory clock" }, [
    svg("title", {}, `Received ${c.received_on}, deadline ${c.statutory_deadline}, today ${isoDay(today)}`),
    svg("rect", { x: x(start), y: 18, width: x(end) - x(start), height: 12, class: "clock-period" }),
    svg("rect", { x: x(start), y: 18, width: x(start + used) - x(start), height: 12, class: "clock-used" }),
    today > end ? svg("rect", { x: x(end), y: 18, width: x(today) - x(end), height: 12, class: "clock-over" }) : null,
    svg("line", { x1: x(today), x2: x(today), y1: 12, y2: 36, class: "clock-today" }),
    svg("text", { x: x(start), y: 50, class: "note" }, `received ${c.received_on}`),
    svg("text", { x: x(end), y: 50, "text-anchor": "end", class: "note" }, `deadline ${c.statutory_deadline}`),
    svg("text", { x: x(today), y: 9, class: "note",
      "text-anchor": x(today) > width - 70 ? "end" : x(today) < 70 ? "start" : "middle" }, `today ${isoDay(today)}`),
  ]);
}

// Facts only some cases have: shown when the case has them.
function optionalFacts(c) {
  return [
    ["Accepted on", c.accepted_on], ["Clock suspended since", c.suspended_since],
    ["Notice of default on", c.notice_of_default_on],
    ["Decided on", c.decided_on ? `${c.decided_on}${c.outcome ? ` (${c.outcome})` : ""}` : null],
  ].filter(([, value]) => value).map(([label, value]) => fact(label, value));
}

function detailText(detail) {
  return Object.entries(detail || {})
    .filter(([, v]) => v !== null && v !== undefined && v !== "" && typeof v !== "object")
    .map(([k, v]) => `${k.replace(/_/g, " ")}: ${v}`).join(" · ");
}

function render(body, c) {
  const [left, tone] = remaining(c.days_remaining);
  body.replaceChildren(
    h("div", { class: "case-head" }, [
      h("p", { class: "case-id mono", "data-value": c.case_id, text: c.case_id }),
      h("span", { class: `pill pill-${tone}`, "data-field": "days_remaining", "data-value": c.days_remaining ?? "",
        text: left })]),
    h("dl", { class: "facts" }, [
      fact("Procedure", procedureLabel(c.procedure), { "data-field": "procedure", "data-value": c.procedure }),
      fact("Stage", `${stageLabel(c.stage)}${c.is_open ? "" : " (closed)"}`, { "data-field": "stage", "data-value": c.stage }),
      fact("Team", c.team, { "data-field": "team" }), fact("Target group", c.target_group),
      fact("Track", c.track ? trackLabel(c.track) : null),
      fact("Received on", c.received_on, { "data-field": "received_on", "data-value": c.received_on }),
      fact("Statutory deadline", c.statutory_deadline,
        { "data-field": "statutory_deadline", "data-value": c.statutory_deadline ?? "" }),
      fact("Days remaining", c.days_remaining === null ? "—" : fmt(c.days_remaining)),
      ...optionalFacts(c),
    ]),
    clockBar(c),
    h("h3", { text: `Timeline · ${fmt(c.timeline.length)} events` }),
    h("ol", { class: "timeline" }, c.timeline.map((item, i) => h("li", {
      class: `event service-${item.service}`, "data-event": item.event, "data-at": item.at, "data-index": i,
    }, [
      h("span", { class: "event-dot", "aria-hidden": "true" }),
      h("div", { class: "event-head" }, [h("strong", { text: eventLabel(item.event) }),
        h("span", { class: "badge", text: item.service })]),
      h("time", { datetime: item.at, text: String(item.at).slice(0, 16).replace("T", " ") }),
      detailText(item.detail) ? h("p", { class: "event-detail", text: detailText(item.detail) }) : null,
    ]))),
  );
}

// Open a case's timeline; `quiet` reads it again in place (on a live update) without moving the focus.
export async function showCase(drawer, caseId, { quiet = false } = {}) {
  const body = drawer.querySelector(".drawer-body");
  drawer.hidden = false;
  drawer.dataset.caseId = caseId;
  if (!quiet) {
    drawer.dataset.state = "loading";
    body.replaceChildren(h("p", { class: "note", text: `Loading case ${caseId}…` }));
  }
  try {
    const c = await getJson(`/v1/tower/cases/${encodeURIComponent(caseId)}`);
    if (drawer.dataset.caseId !== caseId) return;
    render(body, c);
    drawer.dataset.state = "ready";
  } catch (error) {
    if (drawer.dataset.caseId !== caseId) return;
    const text = error.status === 404 ? `No case with id ${caseId}.` : `Could not load the case: ${error.message}`;
    body.replaceChildren(h("p", { class: "panel-error", role: "status", text }));
    drawer.dataset.state = error.status === 404 ? "not-found" : "error";
  }
  if (!quiet) drawer.querySelector(".drawer-close").focus();
}
