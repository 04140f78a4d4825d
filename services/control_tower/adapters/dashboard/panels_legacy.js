// Panels about the legacy case system beside the backbone: open cases split by the owning system, and
// the last reconciliation of the legacy database with the tower (GET /v1/legacy/reconciliation, read by
// the operations role; backbone serve runs it every BACKBONE_LEGACY_RECONCILE_INTERVAL seconds).

import { fmt, h } from "./charts.js";
import { workloadTable } from "./panels_work.js";
import { REASONS, procedureLabel, systemLabel } from "./vocabulary.js";

const workloadBySystem = {
  chart: "workload-system",
  endpoint: "/v1/tower/workload",
  load: (api, q) => api("/v1/tower/workload", { ...q, group_by: "system" }),
  draw: (body, rows) => workloadTable(body, rows, "system", "System", systemLabel),
};

const LISTED = 10;

// None yet: say why (this process does not reconcile, or its first run has not finished).
async function lastReconciliation(api) {
  const { interval_seconds: interval, last } = await api("/v1/legacy/reconciliation", { limit: LISTED });
  if (last) return last;
  return { none: interval > 0
    ? `The first reconciliation (every ${fmt(interval)} s) has not finished yet.`
    : "No reconciliation runs here: set BACKBONE_LEGACY_RECONCILE_INTERVAL for backbone serve, or run backbone legacy reconcile." };
}

const when = (iso) => `${iso.slice(0, 19).replace("T", " ")} UTC`;

function drawReconciliation(body, result, { filters }) {
  if (result.none) {
    body.append(h("p", { class: "empty", "data-part": "no-reconciliation", text: result.none }));
    return true;
  }
  const unexplained = result.unexplained_total;
  body.append(h("p", { class: "note", "data-part": "last-run", "data-value": result.at }, [
    h("span", { class: `pill ${unexplained ? "pill-bad" : "pill-ok"}`, "data-part": "verdict", "data-value": unexplained,
      text: unexplained ? `${fmt(unexplained)} differences` : "No differences" }),
    h("span", { text: ` Last run ${when(result.at)} · ${fmt(result.compared)} cases in both` }),
  ]));
  if (!result.caught_up) {
    const behind = Object.values(result.behind).reduce((a, n) => a + n, 0);
    body.append(h("p", { class: "filter-note", "data-note": "not-caught-up",
      text: `The tower had not read the legacy bridge's topic to its end (${fmt(behind)} events behind): some differences may be lag.` }));
  }
  if (filters.procedure || filters.system) {
    body.append(h("p", { class: "filter-note", "data-note": "reconciliation-filter",
      text: "Not filtered: the last run covers every procedure and system." }));
  }
  body.append(h("table", { class: "bucket-table" }, h("tbody", {}, Object.entries(REASONS).map(([reason, label]) =>
    h("tr", {}, [h("td", { text: label }),
      h("td", { class: "num", "data-reason": reason, "data-value": result.by_reason[reason] || 0,
        text: fmt(result.by_reason[reason] || 0) })])))));
  if (result.differences.length) {
    body.append(h("table", { class: "list-table" }, [
      h("thead", {}, h("tr", {}, ["Zaak", "Procedure", "Reason", "Legacy", "Tower"].map((t) => h("th", { text: t })))),
      h("tbody", {}, result.differences.map((d) => h("tr", { "data-difference": d.reason, "data-case-id": d.case_id }, [
        h("td", { text: d.zaaknummer || `${d.case_id.slice(0, 8)}…`, title: d.case_id }),
        h("td", { text: procedureLabel(d.procedure) }),
        h("td", { text: REASONS[d.reason] || d.reason }),
        h("td", { text: d.legacy ?? "—" }), h("td", { text: d.tower ?? "—" })]))),
    ]));
    if (result.differences_total > result.differences.length) {
      body.append(h("p", { class: "note", text: `The first ${LISTED} of ${fmt(result.differences_total)}: backbone legacy reconcile lists them all.` }));
    }
  }
  return true;
}

const reconciliation = {
  chart: "legacy-reconciliation",
  load: (api) => lastReconciliation(api),
  draw: drawReconciliation,
};

export const LEGACY_PANELS = [workloadBySystem, reconciliation];
