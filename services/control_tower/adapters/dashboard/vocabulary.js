// Names and colours shared by every panel. Colours are colour-blind safe: procedures take Paul Tol's
// "muted" scheme, stages and deadline buckets the Okabe-Ito scheme; a colour is never the only cue
// (every mark has a label, a legend entry or a tooltip).

export const PROCEDURES = {
  asylum: ["Asylum", "#332288"],
  family_reunification: ["Family reunification", "#88CCEE"],
  naturalisation: ["Naturalisation", "#DDCC77"],
  highly_skilled_migrant: ["Highly skilled migrant", "#117733"],
  family: ["Family", "#CC6677"],
  study: ["Study", "#44AA99"],
  research: ["Research", "#999933"],
  renewal: ["Renewal", "#882255"],
  change_of_purpose: ["Change of purpose", "#AA4499"],
  objection: ["Objection", "#777777"],
};

export const STAGES = {
  in_intake: ["In intake", "#E69F00"],
  waiting_on_applicant: ["Waiting on applicant", "#56B4E9"],
  accepted: ["Accepted", "#F0E442"],
  in_decision: ["In decision", "#0072B2"],
  hearing: ["Hearing", "#009E73"],
  intended_decision: ["Intended decision", "#D55E00"],
  decided: ["Decided", "#CC79A7"],
  awaiting_issue: ["Awaiting issue", "#999999"],
};

export const RISK_BUCKETS = {
  overdue: ["Overdue", "#D55E00", true],
  under_7_days: ["< 7 days", "#E69F00", false],
  under_30_days: ["< 30 days", "#F0E442", false],
  later: ["Later", "#009E73", true],
  no_deadline_yet: ["No deadline yet", "#BBBBBB", false],
};

export const AGE_BANDS = {
  under_30_days: "< 30 d",
  "30_to_89_days": "30–89 d",
  "90_to_179_days": "90–179 d",
  "180_to_364_days": "180–364 d",
  a_year_or_more: "≥ 1 year",
};

export const SYSTEMS = { backbone: "Backbone", legacy: "Legacy case system" };

// Why a legacy case differs from the tower's (services/control_tower/domain/reconciliation.py).
export const REASONS = {
  missing_in_tower: "Missing in the tower",
  missing_in_legacy: "Missing in the legacy database",
  procedure_differs: "Procedure differs",
  stage_differs: "Stage differs",
  deadline_differs: "Deadline differs",
  not_translated: "Not translated (explained)",
};

export const CHANNELS = { desk: "Desk", expat_centre: "Expat centre", courier: "Courier" };

export const COLOURS = {
  inflow: "#0072B2",
  outflow: "#E69F00",
  net: "#222222",
  backlog: "#D55E00",
  sequence: ["#C6DBEF", "#9ECAE1", "#4292C6", "#2171B5", "#08306B"],
};

const words = (id) => String(id).replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

export const procedureLabel = (p) => (PROCEDURES[p] ? PROCEDURES[p][0] : words(p));
export const procedureColour = (p) => (PROCEDURES[p] ? PROCEDURES[p][1] : "#555555");
export const systemLabel = (s) => SYSTEMS[s] || words(s);
export const stageLabel = (s) => (STAGES[s] ? STAGES[s][0] : words(s));
export const trackLabel = (t) => words(t);
export const stageColour = (s) => (STAGES[s] ? STAGES[s][1] : "#555555");

export const byOrder = (order) => (a, b) => {
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  return (ia < 0 ? 999 : ia) - (ib < 0 ? 999 : ib) || String(a).localeCompare(String(b));
};
export const procedureOrder = byOrder(Object.keys(PROCEDURES));
export const stageOrder = byOrder(Object.keys(STAGES));

// "ApplicationSubmitted" or "nl.ind.intake.ApplicationSubmitted" -> "Application submitted".
export function eventLabel(event) {
  const name = String(event).split(".").pop();
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
