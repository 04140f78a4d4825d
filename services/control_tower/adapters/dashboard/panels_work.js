// Panels about the work standing now: deadline risk and penalties, open cases by procedure, stage, team
// and target group, aging, the longest overdue and waiting cases, documents waiting, feed freshness.

import { columns, duration, euro, fmt, h, heatTable, segmentedBar, svg } from "./charts.js";
import {
  AGE_BANDS, CHANNELS, COLOURS, RISK_BUCKETS, procedureLabel, procedureOrder, stageLabel, stageOrder,
} from "./vocabulary.js";

const unique = (items) => [...new Set(items)];

// A small inline bar inside a table cell, carrying its number like every other mark.
function inlineBar(value, max, colour, series) {
  const width = 120;
  const w = max ? Math.max(2, (width * value) / max) : 0;
  return svg("svg", { class: "inline-bar", width, height: 12, viewBox: `0 0 ${width} 12`, "aria-hidden": "true" },
    svg("rect", { x: 0, y: 1, width: w, height: 10, fill: colour, "data-series": series, "data-value": value }));
}

// A case id shortened to its first 8 digits (enough to tell cases apart on screen); the link has it all.
export function caseLink(caseId) {
  return h("a", { href: `?case=${encodeURIComponent(caseId)}`, class: "case-link", "data-case-id": caseId,
    title: `Open the timeline of case ${caseId}`, text: `${caseId.slice(0, 8)}…` });
}

function caseList(body, rows, { days, label, colour }) {
  if (!rows.length) return false;
  const max = Math.max(...rows.map((r) => r[days]));
  body.append(h("table", { class: "list-table" }, [
    h("thead", {}, h("tr", {}, [h("th", { text: "Case" }), h("th", { text: "Procedure" }),
      h("th", { class: "num", text: label })])),
    h("tbody", {}, rows.slice(0, 10).map((r) => h("tr", { "data-case-id": r.case_id }, [
      h("td", {}, caseLink(r.case_id)), h("td", { text: procedureLabel(r.procedure) }),
      h("td", { class: "num" }, [inlineBar(r[days], max, colour, days), h("span", { text: fmt(r[days]) })])]))),
  ]));
  return true;
}

const deadlineRisk = {
  chart: "deadline-risk",
  endpoint: "/v1/tower/deadline-risk",
  load: (api, q) => api("/v1/tower/deadline-risk", q),
  draw(body, risk, { setToday }) {
    setToday(risk.today);
    const segments = Object.entries(RISK_BUCKETS).map(([key, [label, color, dark]]) => ({
      key, label, color, dark, value: risk.buckets[key] || 0 }));
    if (!segments.some((s) => s.value)) return false;
    segmentedBar(body, { segments, title: "Open cases before a decision, by time to the statutory deadline" });
    const total = segments.reduce((a, s) => a + s.value, 0);
    body.append(h("table", { class: "bucket-table" }, h("tbody", {}, segments.map((s) => h("tr", {}, [
      h("td", {}, [h("span", { class: "swatch box", style: `--c:${s.color}` }), h("span", { text: s.label })]),
      h("td", { class: "num", "data-bucket": s.key, "data-value": s.value, text: fmt(s.value) }),
      h("td", { class: "num muted", text: `${total ? Math.round((100 * s.value) / total) : 0}%` })])))));
    return true;
  },
};

const exposure = {
  chart: "exposure",
  endpoint: "/v1/tower/deadline-risk",
  load: (api, q) => api("/v1/tower/deadline-risk", q),
  draw(body, risk) {
    const { today, in_4_weeks: later } = risk.exposure_eur;
    if (!today && !later) {
      body.append(h("p", { class: "empty", "data-part": "no-exposure", "data-value": 0,
        text: "No penalty exposure: no open case owes a late-decision penalty, today or in 4 weeks." }));
    } else {
      columns(body, {
        bars: [{ key: "today", label: "Today", value: today, color: COLOURS.backlog },
          { key: "in_4_weeks", label: "In 4 weeks", value: later, color: COLOURS.outflow }],
        yLabel: "Euro", xLabel: "Late-decision penalty (dwangsom) accrued", title: "Penalty exposure", format: euro,
        height: 210,
      });
    }
    body.append(h("p", { class: "note", "data-value": risk.notices_of_default },
      `${fmt(risk.notices_of_default)} open cases with a notice of default; a penalty accrues two weeks after one.`));
    return true;
  },
};

const longestOverdue = {
  chart: "longest-overdue",
  endpoint: "/v1/tower/deadline-risk",
  load: (api, q) => api("/v1/tower/deadline-risk", q),
  draw: (body, risk) => caseList(body, risk.longest_overdue,
    { days: "days_overdue", label: "Days overdue", colour: RISK_BUCKETS.overdue[1] }),
  empty: "No case is past its statutory deadline.",
};

export function workloadTable(body, rows, key, corner, rowLabel) {
  const groups = unique(rows.map((r) => r[key] ?? "")).sort(key === "procedure" ? procedureOrder : undefined);
  const stages = unique(rows.map((r) => r.stage)).sort(stageOrder);
  if (!groups.length) return false;
  const cell = new Map();
  for (const r of rows) {
    const at = `${r[key] ?? ""}|${r.stage}`;
    cell.set(at, (cell.get(at) || 0) + r.open_cases);
  }
  heatTable(body, { rows: groups, cols: stages, value: (g, s) => cell.get(`${g}|${s}`) || 0,
    rowLabel, colLabel: stageLabel, corner, caption: `Open cases by ${corner.toLowerCase()} and stage` });
  return true;
}

const workload = {
  chart: "workload",
  endpoint: "/v1/tower/workload",
  load: (api, q) => api("/v1/tower/workload", q),
  draw: (body, rows) => workloadTable(body, rows, "procedure", "Procedure", procedureLabel),
};

const workloadByTeam = {
  chart: "workload-team",
  endpoint: "/v1/tower/workload",
  load: (api, q) => api("/v1/tower/workload", { ...q, group_by: "team" }),
  draw: (body, rows) => workloadTable(body, rows, "team", "Team", (t) => (t ? t.replace(/_/g, " ") : "Not assigned")),
};

const workloadByTargetGroup = {
  chart: "workload-target-group",
  endpoint: "/v1/tower/workload",
  load: (api, q) => api("/v1/tower/workload", { ...q, group_by: "target_group" }),
  draw: (body, rows) => workloadTable(body, rows, "target_group", "Target group", (t) => t || "No target group"),
};

const aging = {
  chart: "aging",
  endpoint: "/v1/tower/aging",
  load: (api, q) => api("/v1/tower/aging", q),
  draw(body, result) {
    const bands = Object.entries(AGE_BANDS).map(([key, label], i) => ({
      key, label, value: result.age_bands[key] || 0, color: COLOURS.sequence[i] }));
    if (!bands.some((b) => b.value)) return false;
    columns(body, { bars: bands, yLabel: "Open cases", xLabel: "Time since receipt", title: "Open cases by age" });
    body.append(h("p", { class: "note", "data-value": result.waiting_on_applicant },
      `${fmt(result.waiting_on_applicant)} of them are waiting on the applicant (clock suspended).`));
    return true;
  },
};

const longestWaiting = {
  chart: "longest-waiting",
  endpoint: "/v1/tower/aging",
  load: (api, q) => api("/v1/tower/aging", q),
  draw: (body, result) => caseList(body, result.longest_waiting,
    { days: "days_since_receipt", label: "Days since receipt", colour: COLOURS.sequence[3] }),
};

const issuance = {
  chart: "issuance",
  endpoint: "/v1/tower/issuance",
  load: (api, q) => api("/v1/tower/issuance", q),
  draw(body, rows) {
    if (!rows.length) return false;
    const max = Math.max(...rows.map((r) => r.waiting));
    body.append(h("table", { class: "list-table" }, [
      h("thead", {}, h("tr", {}, ["Channel", "Waiting", "Oldest (days)", "Mean (days)"].map((t, i) =>
        h("th", { class: i ? "num" : null, text: t })))),
      h("tbody", {}, rows.map((r) => h("tr", { "data-channel": r.channel }, [
        h("td", { text: CHANNELS[r.channel] || r.channel }),
        h("td", { class: "num" }, [inlineBar(r.waiting, max, COLOURS.inflow, "waiting"), h("span", { text: fmt(r.waiting) })]),
        h("td", { class: "num", "data-series": "oldest_days", "data-value": r.oldest_days, text: fmt(r.oldest_days) }),
        h("td", { class: "num", "data-series": "mean_days", "data-value": r.mean_days, text: fmt(r.mean_days) })]))),
    ]));
    return true;
  },
  empty: "No residence document is waiting for issue.",
};

// A time between two clocks is shown only when it is one clock's: never negative; "n/a" says why not.
function onOneClock(seconds, reason) {
  if (seconds === null || seconds === undefined || seconds < 0) {
    return { text: "n/a", title: reason, "data-tip": reason, "data-not-measurable": "true" };
  }
  return { text: duration(seconds) };
}

function drawFreshness(body, rows) {
  if (!rows.length) return false;
  body.append(h("table", { class: "list-table" }, [
    h("thead", {}, h("tr", {}, ["Feed", "Position", "Events behind", "Time behind", "Last latency"]
      .map((t, i) => h("th", { class: i ? "num" : null, text: t })))),
    h("tbody", {}, rows.map((r) => h("tr", { "data-stream": r.stream,
      title: `last applied ${r.last_applied_at.slice(0, 19).replace("T", " ")}` }, [
      h("td", {}, [h("span", { class: `pill ${r.events_behind ? "pill-warn" : "pill-ok"}`,
        text: r.events_behind ? "behind" : "live" }), h("span", { text: ` ${r.stream}` })]),
      h("td", { class: "num", "data-series": "position", "data-value": r.position, text: fmt(r.position) }),
      h("td", { class: "num", "data-series": "events_behind", "data-value": r.events_behind ?? "", text: fmt(r.events_behind) }),
      h("td", { class: "num", "data-series": "seconds_behind", "data-value": r.seconds_behind, ...onOneClock(r.seconds_behind,
        "not measurable: the last applied event was recorded after now by the wall clock, on another clock (a simulation's?)") }),
      h("td", { class: "num", "data-series": "latency", "data-value": r.latency.seconds ?? "",
        ...onOneClock(r.latency.seconds, r.latency.not_measurable) })]))),
  ]));
  const last = rows.map((r) => r.last_applied_at).sort().pop();
  body.append(h("p", { class: "note", text: `Last event applied ${last.slice(0, 19).replace("T", " ")} UTC; latency is from recording upstream (the service's clock) to applying here (the wall clock), shown when both are one clock.` }));
  return true;
}

const freshness = {
  chart: "freshness",
  load: (api) => api("/v1/tower/freshness"),
  draw: drawFreshness,
  empty: "The tower has not applied any event yet.",
};

export const WORK_PANELS = [
  deadlineRisk, exposure, longestOverdue, workload, workloadByTeam, workloadByTargetGroup, aging,
  longestWaiting, issuance, freshness,
];
