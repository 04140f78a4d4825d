// Panels about flow over time: headline numbers, work in progress, inflow and outflow, the forecast,
// lead times and time in each stage. Each panel loads its views and draws them; `draw` returns false
// when there is nothing to show, and the page then shows the panel's empty state.

import {
  barsAndLine, duration, euro, fmt, forecastLine, h, legend, lines, percentileRows, stackedArea, stackedRows,
} from "./charts.js";
import {
  COLOURS, procedureColour, procedureLabel, procedureOrder, stageColour, stageLabel, stageOrder, trackLabel,
} from "./vocabulary.js";

const sum = (items, f) => items.reduce((total, item) => total + (f(item) || 0), 0);
const unique = (items) => [...new Set(items)];

// Two open totals count different cases; the page says which, wherever it shows one of them.
const BEFORE_A_DECISION = "Received and not yet decided (nor withdrawn or closed): the cases of deadline risk, "
  + "of this week's work in progress and of the forecast's backlog. Decided cases awaiting document issue are not among them.";
const OPEN_ANY_STAGE = "Every open case, in any stage up to the document's issue: the cases before a decision "
  + "and the decided ones awaiting document issue.";

function openCasesSub(workload, risk) {
  if (risk.status !== "fulfilled") return "every stage, up to document issue";
  const before = sum(Object.values(risk.value.buckets), (n) => n);
  return h("span", { "data-part": "open-split", "data-before-decision": before,
    "data-awaiting-issue": sum(workload, (r) => r.open_cases) - before }, [
    `${fmt(before)} before a decision, ${fmt(sum(workload, (r) => r.open_cases) - before)} decided, awaiting document issue`]);
}

function tile({ kpi, label, settled, value, show = fmt, sub, tone, tip }) {
  if (settled.status !== "fulfilled") {
    return h("div", { class: "kpi", "data-kpi": kpi, "data-state": "error", title: settled.reason.message }, [
      h("span", { class: "kpi-label", text: label }), h("span", { class: "kpi-value", text: "—" }),
      h("span", { class: "kpi-sub", text: "not available" })]);
  }
  const v = value(settled.value);
  return h("div", { class: `kpi ${tone ? `tone-${tone(v)}` : ""}`, "data-kpi": kpi, "data-value": v, "data-tip": tip }, [
    h("span", { class: "kpi-label", text: label }), h("span", { class: "kpi-value", text: show(v) }),
    h("span", { class: "kpi-sub" }, typeof sub === "function" ? sub(settled.value) : sub)]);
}

const headline = {
  chart: "headline",
  async load(api, q) {
    const [workload, risk, throughput, freshness] = await Promise.allSettled([
      api("/v1/tower/workload", q), api("/v1/tower/deadline-risk", q),
      api("/v1/tower/throughput", { ...q, weeks: 12 }), api("/v1/tower/freshness")]);
    return { workload, risk, throughput, freshness };
  },
  draw(body, d) {
    const rates = (t) => Object.values(t.rolling_4_weeks);
    body.append(h("div", { class: "kpis" }, [
      tile({ kpi: "open-cases", label: "Open cases", settled: d.workload, value: (w) => sum(w, (r) => r.open_cases),
        sub: (w) => openCasesSub(w, d.risk), tip: OPEN_ANY_STAGE }),
      tile({ kpi: "overdue", label: "Overdue", settled: d.risk, value: (r) => r.buckets.overdue,
        sub: "past the statutory deadline", tone: (v) => (v > 0 ? "bad" : "good") }),
      tile({ kpi: "due-7-days", label: "Due within 7 days", settled: d.risk, value: (r) => r.buckets.under_7_days,
        sub: "deadline in the coming week", tone: (v) => (v > 0 ? "warn" : "good") }),
      tile({ kpi: "notices-of-default", label: "Notices of default", settled: d.risk,
        value: (r) => r.notices_of_default, sub: "ingebrekestellingen on open cases",
        tone: (v) => (v > 0 ? "bad" : "good") }),
      tile({ kpi: "exposure-today", label: "Exposure today", settled: d.risk,
        value: (r) => r.exposure_eur.today, show: euro, sub: "dwangsom accrued on open cases",
        tone: (v) => (v > 0 ? "bad" : "good") }),
      tile({ kpi: "exposure-4-weeks", label: "Exposure in 4 weeks", settled: d.risk,
        value: (r) => r.exposure_eur.in_4_weeks, show: euro, sub: "if none of them is decided",
        tone: (v) => (v > 0 ? "warn" : "good") }),
      tile({ kpi: "net-flow", label: "Net flow per week", settled: d.throughput,
        value: (t) => Math.round(sum(rates(t), (r) => r.inflow - r.outflow) * 10) / 10,
        show: (v) => `${v > 0 ? "+" : ""}${fmt(v)}`,
        sub: (t) => `last 4 weeks: in ${fmt(sum(rates(t), (r) => r.inflow))}, out ${fmt(sum(rates(t), (r) => r.outflow))}`,
        tone: (v) => (v > 0 ? "warn" : "good") }),
      tile({ kpi: "events-behind", label: "Events behind", settled: d.freshness,
        value: (rows) => sum(rows, (r) => r.events_behind),
        sub: (rows) => (sum(rows, (r) => r.events_behind)
          ? `oldest waiting up to ${duration(Math.max(0, ...rows.map((r) => r.seconds_behind)))}`
          : "the views are up to date"),
        tone: (v) => (v > 0 ? "warn" : "good") }),
    ]));
    return true;
  },
};

const wip = {
  chart: "wip",
  endpoint: "/v1/tower/wip",
  load: (api, q) => api("/v1/tower/wip", { ...q, weeks: 26 }),
  draw(body, data) {
    const weeks = unique(data.weeks.map((w) => w.week)).sort();
    if (!weeks.length || !data.weeks.some((w) => w.open_cases)) return false;
    const ends = Object.fromEntries(data.weeks.map((w) => [w.week, w.week_end]));
    const procedures = unique(data.weeks.map((w) => w.procedure)).sort(procedureOrder);
    const series = procedures.map((p) => ({
      key: p, label: procedureLabel(p), color: procedureColour(p),
      values: weeks.map((wk) => sum(data.weeks.filter((w) => w.week === wk && w.procedure === p), (w) => w.open_cases)),
    })).filter((s) => s.values.some(Boolean));
    stackedArea(body, { keys: weeks, labels: weeks.map((w) => `${w} (ends ${ends[w]})`), ticks: weeks.map((w) => w.slice(5)),
      series, yLabel: "Open cases", xLabel: "ISO week (open at its end)", title: "Work in progress by procedure" });
    const now = sum(series, (s) => s.values[s.values.length - 1]);
    body.append(legend(series.map((s) => ({ label: s.label, color: s.color }))),
      h("p", { class: "note", "data-part": "open-now", "data-value": now, "data-tip": BEFORE_A_DECISION },
        `Now ${fmt(now)} open before a decision: the cases of deadline risk. The headline's open cases also count decided cases awaiting document issue.`));
    return true;
  },
};

const throughput = {
  chart: "throughput",
  endpoint: "/v1/tower/throughput",
  controls: { granularity: { week: "Per week", day: "Per day" } },
  load(api, q, local) {
    return local.granularity === "day"
      ? api("/v1/tower/throughput", { ...q, granularity: "day", weeks: 4 })
      : api("/v1/tower/throughput", { ...q, weeks: 12 });
  },
  draw(body, data, { local }) {
    const unit = local.granularity === "day" ? "day" : "week";
    const items = data.weeks || data.days || [];
    const keys = unique(items.map((w) => w[unit])).sort();
    if (!keys.length) return false;
    const per = (field) => keys.map((k) => sum(items.filter((w) => w[unit] === k), (w) => w[field]));
    barsAndLine(body, {
      keys, labels: keys, ticks: keys.map((k) => k.slice(5)), yLabel: "Cases", xLabel: unit === "week" ? "ISO week" : "Day",
      title: `Inflow and outflow per ${unit}`,
      bars: [{ key: "inflow", label: "Inflow (accepted)", color: COLOURS.inflow, values: per("inflow") },
        { key: "outflow", label: "Outflow (decided)", color: COLOURS.outflow, values: per("outflow") }],
      line: { key: "net", label: "Net (in − out)", color: COLOURS.net, values: per("net") },
    });
    const rates = Object.values(data.rolling_4_weeks || {});
    body.append(h("div", { class: "chart-foot" }, [
      legend([{ label: "Inflow (accepted)", color: COLOURS.inflow }, { label: "Outflow (decided)", color: COLOURS.outflow },
        { label: "Net (in − out)", color: COLOURS.net, shape: "line" }]),
      rates.length ? h("p", { class: "note", "data-value": sum(rates, (r) => r.inflow) }, `Last 4 weeks, per week: ${
        fmt(sum(rates, (r) => r.inflow))} in, ${fmt(sum(rates, (r) => r.outflow))} out`) : null]));
    return true;
  },
};

const forecast = {
  chart: "forecast",
  endpoint: "/v1/tower/forecast",
  load: (api, q) => api("/v1/tower/forecast", q),
  draw(body, data, { local, reload }) {
    const list = (data.procedures || []).slice().sort((a, b) => procedureOrder(a.procedure, b.procedure));
    if (!list.length) return false;
    const choice = list.some((p) => p.procedure === local.procedure) ? local.procedure : (list.length === 1 ? list[0].procedure : "all");
    const select = h("select", { "aria-label": "Forecast for", "data-control": "forecast-procedure" }, [
      list.length > 1 ? h("option", { value: "all", text: "All procedures" }) : null,
      ...list.map((p) => h("option", { value: p.procedure, text: procedureLabel(p.procedure) }))]);
    select.value = choice;
    select.addEventListener("change", () => { local.procedure = select.value; reload(); });
    const p = choice === "all" ? data.all : list.find((x) => x.procedure === choice);
    const accuracy = p.held_out
      ? `held-out check over ${p.held_out.weeks} weeks: mean error ${fmt(p.held_out.mae)} a week${
        p.held_out.mape === null ? "" : ` (${fmt(Math.round(p.held_out.mape * 100))}%)`}`
      : choice === "all" ? "choose a procedure for its held-out error" : "not enough history for a held-out check";
    body.append(h("div", { class: "chart-tools" }, [select, h("span", { class: "note" }, [
      h("span", { "data-part": "open-now", "data-value": p.open_now, "data-tip": BEFORE_A_DECISION,
        text: `${fmt(p.open_now)} open before a decision now` }),
      ` · ${fmt(p.decisions_per_week)} decisions a week · ${accuracy}`])]));
    if (p.method) body.append(h("p", { class: "note method", text: `Method: ${p.method}.` }));
    const pair = h("div", { class: "chart-pair" });
    const left = h("div", { "data-part": "inflow" });
    const right = h("div", { "data-part": "backlog" });
    pair.append(left, right);
    body.append(pair);
    forecastLine(left, {
      history: p.history.map((w) => ({ x: w.week_start, y: w.inflow })),
      forecast: p.forecast.map((w) => ({ x: w.week_start, y: w.inflow, low: w.low, high: w.high })),
      yLabel: "Applications per week", xLabel: "Week starting (MM-DD)", title: "Inflow: history and 12-week forecast",
    });
    lines(right, {
      keys: p.backlog.map((b) => b.week_start), labels: p.backlog.map((b) => `week of ${b.week_start}`),
      ticks: p.backlog.map((b) => b.week_start.slice(5)),
      series: [{ key: "backlog", label: "Projected open cases", color: COLOURS.backlog, values: p.backlog.map((b) => b.open_cases), dashed: true }],
      yLabel: "Open cases", xLabel: "Week starting (MM-DD)", title: "Projected backlog",
    });
    body.append(legend([{ label: "Inflow so far", color: COLOURS.inflow, shape: "line" },
      { label: "Forecast", color: COLOURS.inflow, shape: "dash" }, { label: "Low–high band", color: "#9ECAE1" },
      { label: "Projected backlog", color: COLOURS.backlog, shape: "dash" }]));
    return true;
  },
};

const leadTimes = {
  chart: "lead-times",
  endpoint: "/v1/tower/lead-times",
  load: (api, q) => api("/v1/tower/lead-times", q),
  draw(body, rows) {
    if (!rows.length) return false;
    const sorted = rows.slice().sort((a, b) => procedureOrder(a.procedure, b.procedure) || String(a.track).localeCompare(String(b.track)));
    percentileRows(body, {
      rows: sorted.map((r) => ({ key: r.track ? `${r.procedure}/${r.track}` : r.procedure,
        label: r.track ? `${procedureLabel(r.procedure)} · ${trackLabel(r.track)}` : procedureLabel(r.procedure),
        p50: r.p50_days, p90: r.p90_days, p95: r.p95_days, decided: r.decided })),
      xLabel: "Days from receipt to decision", title: "Lead time percentiles per procedure",
    });
    body.append(legend([{ label: "p50 (median)", color: COLOURS.inflow, shape: "dot" },
      { label: "p90", color: COLOURS.outflow, shape: "diamond" }, { label: "p95", color: COLOURS.backlog, shape: "tick" }]));
    return true;
  },
};

const stageTimes = {
  chart: "stage-times",
  endpoint: "/v1/tower/stage-times",
  load: (api, q) => api("/v1/tower/stage-times", q),
  draw(body, rows) {
    if (!rows.length) return false;
    const procedures = unique(rows.map((r) => r.procedure)).sort(procedureOrder);
    const stages = unique(rows.map((r) => r.stage)).sort(stageOrder);
    const colors = Object.fromEntries(stages.map((s) => [s, stageColour(s)]));
    const labels = Object.fromEntries(stages.map((s) => [s, stageLabel(s)]));
    stackedRows(body, {
      rows: procedures.map((p) => {
        const own = rows.filter((r) => r.procedure === p);
        return { key: p, label: procedureLabel(p),
          values: Object.fromEntries(own.map((r) => [r.stage, r.mean_days])),
          tips: Object.fromEntries(own.map((r) => [r.stage, `mean ${fmt(r.mean_days)} days over ${fmt(r.visits)} visits`])) };
      }),
      keys: stages, colors, labels, xLabel: "Mean days in each stage (stacked)", title: "Time in each stage",
    });
    body.append(legend(stages.map((s) => ({ label: labels[s], color: colors[s] }))));
    return true;
  },
};

export const FLOW_PANELS = [headline, wip, throughput, forecast, leadTimes, stageTimes];
