// Who is signed in. /tower/sign-in says how: "oidc" (Keycloak's login page, authorisation code with
// PKCE, public client) or "development" (a token of the development issuer, from the link `backbone
// demo` prints or from `backbone token`). The access token is kept in sessionStorage (this tab only) and
// never put in a URL sent to a server: the demo's link carries it in the fragment, which is removed.
// With Keycloak, the page renews its access token with the refresh token before it expires (at three
// quarters of its life), so a tower left open on a wall screen keeps drawing without going back to the
// login page; if renewal fails, the next 401 signs in again.

const SESSION = "backbone.session";
const PENDING = "backbone.sign-in"; // state, nonce and PKCE verifier of a sign-in under way
const SKEW_MS = 10_000;
const RENEW_AT = 0.75; // of the access token's life

let current = null; // { token, idToken, refreshToken, expiresAt, user, config }
let renewal = null; // { timer, dueAt }

const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

// A token's claims, read for display and expiry only; the API checks the signature.
export function claims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const text = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function remember(token, idToken, config, refreshToken = null) {
  const payload = claims(token);
  const expiresAt = payload.exp ? payload.exp * 1000 : Date.now() + 5 * 60_000;
  current = { token, idToken, refreshToken, expiresAt, user: payload.preferred_username || payload.sub || "unknown", config };
  sessionStorage.setItem(SESSION, JSON.stringify({ token, idToken, refreshToken, expiresAt }));
  scheduleRenewal();
  return current;
}

function scheduleRenewal() {
  if (renewal) clearTimeout(renewal.timer);
  renewal = null;
  if (!current?.refreshToken || current.config?.mode !== "oidc") return;
  const dueAt = Date.now() + Math.max(0, (current.expiresAt - Date.now()) * RENEW_AT);
  renewal = { dueAt, timer: setTimeout(() => renewNow().catch(() => {}), dueAt - Date.now()) };
}

// A new access token for the refresh token (Keycloak rotates both); the session as it then is.
export async function renewNow() {
  const session = current;
  if (!session?.refreshToken) throw new Error("no refresh token: sign in again");
  const response = await fetch(session.config.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token", refresh_token: session.refreshToken, client_id: session.config.client_id,
    }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`the identity provider refused to renew the session: ${answer.error_description || response.status}`);
  if (current !== session) return current; // signed out or in again meanwhile
  return remember(answer.access_token, answer.id_token || session.idToken, session.config, answer.refresh_token || session.refreshToken);
}

export const renewalDueAt = () => renewal?.dueAt ?? null;

async function stored(config) {
  let kept = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(SESSION) || "null");
  } catch {
    // unreadable: sign in again
  }
  if (kept && kept.token && kept.expiresAt - SKEW_MS > Date.now()) {
    return remember(kept.token, kept.idToken, config, kept.refreshToken || null);
  }
  if (kept && kept.refreshToken && config.mode === "oidc") { // the tab slept past the token's life
    current = { ...kept, config };
    try {
      return await renewNow();
    } catch {
      current = null;
    }
  }
  sessionStorage.removeItem(SESSION);
  return null;
}

export const accessToken = () => current?.token;
export const signedInUser = () => current?.user;

function withoutParameters(href, names) {
  const url = new URL(href);
  for (const name of names) url.searchParams.delete(name);
  url.hash = "";
  return url.toString();
}

// --- development issuer: the token comes from the fragment or is pasted in ---

function fromFragment(config) {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get("access_token");
  if (!token) return null;
  history.replaceState(null, "", withoutParameters(location.href, []));
  return remember(token, null, config);
}

function developmentSignIn(showSignIn) {
  showSignIn({
    title: "Sign in",
    text: "This backbone runs without an identity provider (development mode). Open the link `backbone demo` "
      + "printed, or run `backbone token --role operations` (or --role planner) and paste the token here.",
    paste: (token) => {
      remember(token.trim().replace(/^Bearer\s+/i, ""), null, current?.config);
      location.reload();
    },
  });
}

// --- OpenID Connect: Keycloak's login page and back ---

async function redirectToLogin(config) {
  const verifier = randomText();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const pending = {
    state: randomText(), nonce: randomText(), verifier,
    redirectUri: `${location.origin}/tower`, returnTo: withoutParameters(location.href, []),
  };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(config.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code", client_id: config.client_id, redirect_uri: pending.redirectUri, scope: "openid",
    state: pending.state, nonce: pending.nonce, code_challenge: base64url(digest), code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
  return new Promise(() => {}); // the page is leaving
}

async function codeReturned(config, query) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  if (!pending || pending.state !== query.get("state")) throw new Error("the sign-in came back with an unknown state; sign in again");
  const response = await fetch(config.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", code: query.get("code"), redirect_uri: pending.redirectUri,
      client_id: config.client_id, code_verifier: pending.verifier,
    }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`the identity provider refused the sign-in: ${answer.error_description || response.status}`);
  if (answer.id_token && claims(answer.id_token).nonce !== pending.nonce) throw new Error("the sign-in's nonce does not match; sign in again");
  history.replaceState(null, "", withoutParameters(pending.returnTo, ["code", "state", "session_state", "iss"]));
  return remember(answer.access_token, answer.id_token, config, answer.refresh_token || null);
}

// The session, or null when the page is showing the sign-in screen or going to the login page.
// ``showSignIn({title, text, paste?, retry?})`` draws the sign-in screen.
export async function startSession(showSignIn) {
  let config;
  try {
    const response = await fetch("/tower/sign-in", { headers: { Accept: "application/json" }, cache: "no-store" });
    config = await response.json();
  } catch (error) {
    showSignIn({ title: "Cannot sign in", text: `The sign-in configuration could not be read: ${error.message}` });
    return null;
  }
  if (config.mode === "development") {
    const session = fromFragment(config) || (await stored(config));
    if (!session) developmentSignIn(showSignIn);
    return session;
  }
  const query = new URLSearchParams(location.search);
  if (query.get("error") && query.get("state")) {
    sessionStorage.removeItem(PENDING);
    history.replaceState(null, "", withoutParameters(location.href, ["error", "error_description", "state", "session_state", "iss"]));
    showSignIn({ title: "Not signed in", text: `The identity provider said: ${query.get("error_description") || query.get("error")}`,
      retry: () => redirectToLogin(config) });
    return null;
  }
  if (query.get("code") && query.get("state")) {
    try {
      return await codeReturned(config, query);
    } catch (error) {
      history.replaceState(null, "", withoutParameters(location.href, ["code", "state", "session_state", "iss"]));
      showSignIn({ title: "Not signed in", text: error.message, retry: () => redirectToLogin(config) });
      return null;
    }
  }
  return (await stored(config)) || redirectToLogin(config);
}

// A 401: the token expired or was refused. Forget it and sign in again (once, however many panels saw it).
export function signInAgain(showSignIn) {
  if (!current) return null;
  const config = current.config;
  forget();
  if (config?.mode === "oidc") return redirectToLogin(config);
  developmentSignIn(showSignIn);
  return null;
}

function forget() {
  if (renewal) clearTimeout(renewal.timer);
  renewal = null;
  sessionStorage.removeItem(SESSION);
  current = null;
}

export function signOut() {
  const session = current;
  forget();
  sessionStorage.removeItem(PENDING);
  const config = session?.config;
  if (config?.mode === "oidc" && config.end_session_endpoint) {
    const url = new URL(config.end_session_endpoint);
    url.searchParams.set("post_logout_redirect_uri", `${location.origin}/tower`);
    if (session.idToken) url.searchParams.set("id_token_hint", session.idToken);
    else url.searchParams.set("client_id", config.client_id);
    location.assign(url.toString());
  } else {
    location.assign(`${location.origin}/tower`);
  }
}
