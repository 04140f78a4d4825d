// Reading the tower's JSON API. One refresh shares one cache, so two panels reading the same view make
// one request; an error names the request and its status so the panel can say what is missing.

export class ApiError extends Error {
  constructor(url, status, detail) {
    const path = new URL(url, location.origin).pathname;
    super(status ? `GET ${path} answered ${status}${detail ? `: ${detail}` : ""}` : `GET ${path} failed: ${detail}`);
    this.status = status;
    this.path = path;
  }
}

export function buildUrl(path, query = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  return url.pathname + url.search;
}

export async function getJson(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
  } catch (error) {
    throw new ApiError(url, 0, error.message);
  }
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
