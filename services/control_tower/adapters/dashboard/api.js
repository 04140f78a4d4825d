// Reading the tower's JSON API. One refresh shares one cache, so two panels reading the same view make
// one request; an error names the request and its status so the panel can say what is missing. Every
// request carries the signed-in user's token; a 401 (expired or refused) starts a new sign-in.

import { accessToken } from "./session.js";

let unauthorized = () => {};
export function whenUnauthorized(handler) {
  unauthorized = handler;
}

// A 403's problem detail names the roles that may read the view ("... one of the roles a, b").
function needed(detail) {
  const roles = /roles? (.+)$/.exec(detail || "")?.[1]?.split(/,\s*/) || [];
  if (!roles.length) return "Needs a role this account does not have";
  return roles.length === 1 ? `Needs the role ${roles[0]}` : `Needs one of the roles ${roles.join(", ")}`;
}

export class ApiError extends Error {
  constructor(url, status, detail) {
    const path = new URL(url, location.origin).pathname;
    super(status === 403 ? needed(detail)
      : status ? `GET ${path} answered ${status}${detail ? `: ${detail}` : ""}` : `GET ${path} failed: ${detail}`);
    this.status = status;
    this.detail = detail;
    this.path = path;
  }
}

// The query parameters each view takes (path -> Set of names), from the catalogue of views: the API
// refuses a parameter a view does not take, so a filter goes only to the views that have it.
const taken = new Map();
export function knowParameters(catalogue) {
  for (const view of catalogue) taken.set(view.path, new Set(view.parameters.map((p) => p.name)));
}

export function buildUrl(path, query = {}) {
  const url = new URL(path, location.origin);
  const known = taken.get(url.pathname);
  for (const [key, value] of Object.entries(query)) {
    if (known && !known.has(key)) continue;
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  return url.pathname + url.search;
}

export async function getJson(url) {
  let response;
  try {
    const token = accessToken();
    const headers = { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    response = await fetch(url, { headers, cache: "no-store" });
  } catch (error) {
    throw new ApiError(url, 0, error.message);
  }
  if (response.status === 401) unauthorized();
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const body = await response.json();
      detail = body.message || (typeof body.detail === "string" ? body.detail : detail);
    } catch {
      // not JSON: the status text says enough
    }
    throw new ApiError(url, response.status, detail);
  }
  return response.json();
}

// A fetcher for one refresh: the same URL is requested once however many panels read it.
export function sharedFetcher() {
  const cache = new Map();
  return (path, query = {}) => {
    const url = buildUrl(path, query);
    if (!cache.has(url)) cache.set(url, getJson(url));
    return cache.get(url);
  };
}
