// The control tower's dashboard: filters, live refresh, one panel per view, the case drill-down.
//
// Query parameters: procedure, team, system (filters), refresh (seconds between freshness polls; 0 stops
// them), case (open that case's timeline), numbers (nl or en: how numbers are written, numbers.js).

import { getJson, knowParameters, sharedFetcher, whenUnauthorized } from "./api.js";
import { emptyState, h } from "./charts.js";
import { showCase } from "./case_timeline.js";
import { NUMBER_FORMATS, numbersAsked, rememberNumbers, useNumbers } from "./numbers.js";
import { FLOW_PANELS } from "./panels_flow.js";
import { PLAN_PANELS } from "./panels_plan.js";
import { signInAgain, startSession } from "./session.js";
import { showNoTower, showSignIn, showUser } from "./session_view.js";
import { WORK_PANELS } from "./panels_work.js";
import { LEGACY_PANELS } from "./panels_legacy.js";
import { procedureLabel, procedureOrder } from "./vocabulary.js";

const PANELS = [...FLOW_PANELS, ...PLAN_PANELS, ...WORK_PANELS, ...LEGACY_PANELS];
const FRESHNESS = PANELS.find((p) => p.chart === "freshness");
const query = new URLSearchParams(location.search);
const refreshSeconds = Number(query.get("refresh") ?? 2);

const state = {
  filters: { procedure: query.get("procedure") || "", team: query.get("team") || "", system: query.get("system") || "" },
  local: Object.fromEntries(PANELS.map((p) => [p.chart, {}])),
  data: new Map(),
  generation: 0,
  refreshes: 0,
  signature: null,
  busy: false,
  failedRetriedAt: Date.now(),
  teamFilters: null, // the views that take a team filter, from the API's catalogue of views
  systemFilters: null, // and those that take a system filter
};

const $ = (selector) => document.querySelector(selector);
const section = (panel) => document.querySelector(`[data-chart="${panel.chart}"]`);
const pad = (n) => String(n).padStart(2, "0");
const clockTime = (d) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

function panelContext(panel) {
  return {
    filters: state.filters,
    local: state.local[panel.chart],
    reload: () => refreshPanel(panel, sharedFetcher(), state.generation, { force: true }),
    setToday: (today) => { $("#as-of").textContent = `Views as of ${today}`; },
  };
}

function drawPanel(panel, data) {
  const node = section(panel);
  const body = node.querySelector(".panel-body");
  body.replaceChildren();
  if (panel.controls) body.append(controls(panel));
  const drawn = panel.draw(body, data, panelContext(panel));
  if (drawn === false) body.append(emptyState(panel.empty || "No data for this selection."));
  if (state.filters.team && panel.endpoint && state.teamFilters && !state.teamFilters.has(panel.endpoint)) {
    body.prepend(h("p", { class: "filter-note", "data-note": "team-filter", text: `Not by team: this view covers every team${
      state.filters.procedure ? ` of ${procedureLabel(state.filters.procedure)}` : ""}.` }));
  }
  if (state.filters.system && panel.endpoint && state.systemFilters && !state.systemFilters.has(panel.endpoint)) {
    body.prepend(h("p", { class: "filter-note", "data-note": "system-filter",
      text: "Not by system: this view covers the cases of every system." }));
  }
  node.dataset.state = drawn === false ? "empty" : "ready";
}

function controls(panel) {
  const local = state.local[panel.chart];
  return h("div", { class: "segmented", role: "group" }, Object.entries(panel.controls).flatMap(([name, options]) =>
    Object.entries(options).map(([value, label]) => {
      const pressed = (local[name] || Object.keys(options)[0]) === value;
      const button = h("button", { type: "button", "aria-pressed": String(pressed), "data-control": `${name}-${value}`, text: label });
      button.addEventListener("click", () => { local[name] = value; panelContext(panel).reload(); });
      return button;
    })));
}

// Draw a panel's new data; the same data as shown is left alone (no flicker, links stay where they are).
function update(panel, data, { force = false } = {}) {
  const node = section(panel);
  const same = state.data.has(panel.chart) && JSON.stringify(state.data.get(panel.chart)) === JSON.stringify(data);
  state.data.set(panel.chart, data);
  if (force || !same || node.dataset.state !== "ready") drawPanel(panel, data);
}

async function refreshPanel(panel, api, generation, { force = false } = {}) {
  const node = section(panel);
  if (!node) return;
  if (!state.data.has(panel.chart)) node.dataset.state = "loading";
  try {
    const { procedure, team, system } = state.filters;
    const data = await panel.load(api, { procedure, team, system },
      state.local[panel.chart]);
    if (generation !== state.generation) return;
    update(panel, data, { force });
  } catch (error) {
    if (generation !== state.generation) return;
    state.data.delete(panel.chart);
    node.querySelector(".panel-body").replaceChildren(h("p", { class: "panel-error", role: "status",
      "data-status": String(error.status ?? ""), text: error.status === 403 ? error.message : `Not available: ${error.message}` }));
    node.dataset.state = "error";
  }
}

async function refreshAll() {
  const generation = ++state.generation;
  const api = sharedFetcher();
  await Promise.all([...PANELS.map((panel) => refreshPanel(panel, api, generation)), refreshFilterOptions(api)]);
  if (generation !== state.generation) return;
  const drawer = $("#case-drawer");
  if (!drawer.hidden && drawer.dataset.caseId && state.refreshes > 0) {
    await showCase(drawer, drawer.dataset.caseId, { quiet: true });
  }
  state.refreshes += 1;
  document.body.dataset.refreshes = String(state.refreshes);
  const now = new Date();
  $("#last-updated").textContent = `Last updated ${clockTime(now)}`;
  $("#last-updated").dataset.value = now.toISOString();
}

function setOptions(select, values, allLabel, label, selected) {
  const wanted = [...new Set([...values, ...(selected ? [selected] : [])])];
  const current = [...select.options].slice(1).map((o) => o.value);
  if (current.join("|") !== wanted.join("|")) {
    select.replaceChildren(h("option", { value: "", text: allLabel }),
      ...wanted.map((v) => h("option", { value: v, text: label(v) })));
  }
  select.value = selected;
}

async function refreshFilterOptions(api) {
  try {
    const rows = await api("/v1/tower/workload");
    const procedures = [...new Set(rows.map((r) => r.procedure))].sort(procedureOrder);
    setOptions($("#filter-procedure"), procedures, "All procedures", procedureLabel, state.filters.procedure);
  } catch {
    // the workload panel shows the error; the select keeps its options
  }
  const team = $("#filter-team");
  try {
    const rows = await api("/v1/tower/workload", { procedure: state.filters.procedure, group_by: "team" });
    const teams = [...new Set(rows.map((r) => r.team).filter(Boolean))].sort();
    setOptions(team, teams, "All teams", (t) => t.replace(/_/g, " "), state.filters.team);
    team.disabled = false;
    team.title = "";
  } catch {
    team.disabled = !state.filters.team;
    team.title = "Teams are not available from the tower yet";
  }
}

function applyFilters() {
  state.filters.procedure = $("#filter-procedure").value;
  state.filters.team = $("#filter-team").value;
  state.filters.system = $("#filter-system").value;
  const url = new URL(location.href);
  for (const [key, value] of Object.entries(state.filters)) {
    if (value) url.searchParams.set(key, value);
    else url.searchParams.delete(key);
  }
  history.replaceState(null, "", url);
  state.data.clear();
  refreshAll();
}

// A view that failed (not deployed yet, or down) is asked again now and then, not on every poll.
const RETRY_FAILED_MS = 30_000;

async function retryFailedPanels() {
  const failed = PANELS.filter((p) => section(p)?.dataset.state === "error");
  if (!failed.length || Date.now() - state.failedRetriedAt < RETRY_FAILED_MS) return;
  state.failedRetriedAt = Date.now();
  const api = sharedFetcher();
  await Promise.all(failed.map((panel) => refreshPanel(panel, api, state.generation)));
}

// Live: a cheap poll of the feeds' positions; the views are read again only when a position moved (the
// positions are read before the views, so the views shown are at least as new as the positions kept).
async function poll() {
  const live = $("#live");
  if (!state.busy) {
    state.busy = true;
    let rows = null;
    try {
      rows = await getJson("/v1/tower/freshness");
      live.dataset.state = "live";
      live.textContent = refreshSeconds > 0 ? "Live" : "Live updates off";
    } catch {
      live.dataset.state = "offline";
      live.textContent = "Connection lost";
    }
    try {
      const signature = rows && rows.map((r) => `${r.stream}:${r.position}`).join(",");
      if (state.refreshes === 0 || (signature && signature !== state.signature)) {
        state.signature = signature;
        await refreshAll();
      } else {
        if (rows) update(FRESHNESS, rows);
        await retryFailedPanels();
      }
    } finally {
      state.busy = false;
    }
  }
  if (refreshSeconds > 0) setTimeout(poll, Math.max(0.5, refreshSeconds) * 1000);
}

function openCase(caseId) {
  const id = caseId.trim();
  if (!id) return;
  const url = new URL(location.href);
  url.searchParams.set("case", id);
  history.replaceState(null, "", url);
  showCase($("#case-drawer"), id);
}

function closeCase() {
  const drawer = $("#case-drawer");
  drawer.hidden = true;
  delete drawer.dataset.caseId;
  const url = new URL(location.href);
  url.searchParams.delete("case");
  history.replaceState(null, "", url);
}

function showTooltip(event) {
  const target = event.target.closest("[data-tip]");
  const tip = $("#tooltip");
  if (!target) {
    tip.hidden = true;
    return;
  }
  tip.textContent = target.dataset.tip;
  tip.hidden = false;
  const x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
  const y = Math.min(event.clientY + 14, window.innerHeight - tip.offsetHeight - 8);
  tip.style.transform = `translate(${x}px, ${y}px)`;
}

// The catalogue of views (/v1/tower/views) says which of them take a team filter, and a system filter.
async function readTeamFilters() {
  try {
    const catalogue = await getJson("/v1/tower/views");
    knowParameters(catalogue);
    const taking = (name) => new Set(catalogue
      .filter((view) => view.parameters.some((p) => p.name === name)).map((view) => view.path));
    state.teamFilters = taking("team");
    state.systemFilters = taking("system");
  } catch {
    state.teamFilters = state.systemFilters = null; // no notes then; the panels still draw
  }
}

const redrawAll = () => PANELS.forEach((p) => state.data.has(p.chart) && drawPanel(p, state.data.get(p.chart)));

function numberChoice() {
  const select = $("#number-format");
  select.replaceChildren(...Object.entries(NUMBER_FORMATS).map(([key, { label }]) => h("option", { value: key, text: label })));
  select.value = useNumbers(numbersAsked(query));
  select.addEventListener("change", () => {
    rememberNumbers(useNumbers(select.value));
    redrawAll();
  });
}

// Signed in, and may this account see the tower at all? (An intake officer may not: one notice, no panels.)
async function signedIn() {
  if (!(await startSession(showSignIn))) return false;
  showUser();
  whenUnauthorized(() => signInAgain(showSignIn));
  try {
    await getJson("/v1/tower/freshness");
  } catch (error) {
    if (error.status === 403) {
      showNoTower();
      return false;
    }
  }
  return true;
}

async function start() {
  if (!(await signedIn())) return;
  numberChoice();
  $("#filter-procedure").addEventListener("change", applyFilters);
  $("#filter-team").addEventListener("change", applyFilters);
  $("#filter-system").value = state.filters.system;
  $("#filter-system").addEventListener("change", applyFilters);
  $("#case-search").addEventListener("submit", (event) => {
    event.preventDefault();
    openCase($("#case-id").value);
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-case-id]");
    if (link) {
      event.preventDefault();
      openCase(link.dataset.caseId);
    }
  });
  $("#case-drawer .drawer-close").addEventListener("click", closeCase);
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeCase(); });
  document.addEventListener("pointermove", showTooltip);
  let resizing;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(redrawAll, 150);
  });
  if (query.get("case")) openCase(query.get("case"));
  await readTeamFilters();
  poll();
}

start();
