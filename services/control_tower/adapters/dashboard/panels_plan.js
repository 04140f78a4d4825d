// Planning: what if decision capacity or inflow changes? A scenario next to the baseline, projected by
// the tower from its views (GET /v1/tower/whatif); nothing is written anywhere.

import { euro, h, legend, lines, whole } from "./charts.js";
import { COLOURS, procedureLabel, procedureOrder } from "./vocabulary.js";

const FIELDS = [
  // [local key, label, default, attributes]
  ["capacityPercent", "Decision capacity change (%)", "0", { type: "number", step: "any", min: "-100" }],
  ["capacityFrom", "from week", "0", { type: "number", min: "0", step: "1" }],
  ["inflowFactor", "Inflow × (factor)", "1", { type: "number", step: "any", min: "0" }],
  ["inflowFrom", "from week", "0", { type: "number", min: "0", step: "1" }],
  ["inflowWeeks", "for weeks", "6", { type: "number", min: "1", step: "1" }],
  ["target", "Target: open cases under", "", { type: "number", min: "0", step: "any" }],
  ["weeks", "Weeks ahead", "26", { type: "number", min: "1", max: "156", step: "1" }],
];

function scenarioQuery(local, filters) {
  const value = (key) => local[key] ?? FIELDS.find((f) => f[0] === key)[2];
  const who = local.changeFor || filters.procedure || "all";
  const percent = Number(value("capacityPercent"));
  const factor = Number(value("inflowFactor"));
  return {
    procedure: filters.procedure,
    capacity: percent ? `${who}:${percent >= 0 ? "+" : ""}${percent}%:${value("capacityFrom")}` : undefined,
    inflow: factor !== 1 ? `${who}:x${factor}:${value("inflowFrom")}:${value("inflowWeeks")}` : undefined,
    target: value("target") || undefined,
    weeks: value("weeks"),
  };
}

// The projection is a fluid model (expected counts); cases are whole, so counts are shown as whole cases.
const SUMMARY_ROWS = [
  ["open_cases_at_end", "Open cases at the end", whole],
  ["missed_deadlines", "Deadlines missed", whole],
  ["exposure_at_end", "Penalty exposure at the end", euro],
  ["exposure_peak", "Peak penalty exposure", euro],
  ["penalties_paid", "Penalties paid", euro],
  ["below_target_from", "Under the target from", (v) => v ?? "not within the horizon"],
];

const whatif = {
  chart: "whatif",
  endpoint: "/v1/tower/whatif",
  load: (api, q, local) => api("/v1/tower/whatif", scenarioQuery(local, q)),
  draw(body, data, { local, reload, filters }) {
    const procedures = data.procedures.map((p) => p.procedure).sort(procedureOrder);
    if (!procedures.length) return false;
    const form = h("form", { class: "whatif-form", "data-control": "whatif-form" });
    const changeFor = h("select", { "aria-label": "Change for", "data-control": "whatif-for" }, [
      h("option", { value: "all", text: "All procedures" }),
      ...procedures.map((p) => h("option", { value: p, text: procedureLabel(p) }))]);
    changeFor.value = local.changeFor || filters.procedure || "all";
    form.append(h("label", {}, ["Change for ", changeFor]));
    const inputs = {};
    for (const [key, label, fallback, attributes] of FIELDS) {
      const input = h("input", { ...attributes, name: key, value: local[key] ?? fallback,
        "data-control": `whatif-${key}`, "aria-label": label });
      inputs[key] = input;
      form.append(h("label", {}, [`${label} `, input]));
    }
    form.append(h("button", { type: "submit", "data-control": "whatif-apply", text: "Project" }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      local.changeFor = changeFor.value;
      for (const [key] of FIELDS) local[key] = inputs[key].value;
      reload();
    });
    body.append(form);

    const total = filters.procedure ? data.procedures.find((p) => p.procedure === filters.procedure) : data.total;
    if (!total) return false;
    const base = total.baseline.weeks;
    const scenario = total.scenario.weeks;
    const chart = h("div", { "data-part": "whatif-backlog" });
    body.append(chart);
    lines(chart, {
      keys: base.map((w) => w.week_start), labels: base.map((w) => `week of ${w.week_start}`),
      ticks: base.map((w) => w.week_start.slice(5)),
      series: [
        { key: "baseline", label: "Baseline: open cases", color: COLOURS.backlog, values: base.map((w) => w.open_cases) },
        { key: "scenario", label: "Scenario: open cases", color: COLOURS.outflow, values: scenario.map((w) => w.open_cases), dashed: true },
      ],
      yLabel: "Open cases", xLabel: "Week starting (MM-DD)", title: "Open cases ahead: baseline and scenario",
      format: whole,
    });
    body.append(legend([{ label: "Baseline (nothing changes)", color: COLOURS.backlog, shape: "line" },
      { label: "Scenario", color: COLOURS.outflow, shape: "dash" }]));
    const rows = SUMMARY_ROWS.map(([key, label, show]) => h("tr", {}, [
      h("th", { scope: "row", text: label }),
      ...["baseline", "scenario"].map((side) => {
        const value = total[side].summary[key];
        return h("td", { "data-row": key, "data-col": side, "data-value": value ?? "", text: show(value) });
      })]));
    body.append(h("table", { class: "summary-table", "data-part": "whatif-summary" }, [
      h("thead", {}, [h("tr", {}, [h("th", { text: "" }), h("th", { scope: "col", text: "Baseline" }),
        h("th", { scope: "col", text: "Scenario" })])]),
      h("tbody", {}, rows)]));
    return true;
  },
};

export const PLAN_PANELS = [whatif];
