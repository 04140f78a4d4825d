// What the page shows about signing in: who is signed in (with a sign-out button), the sign-in screen
// when there is no token, and a page-level notice when the account may not see the tower at all.

import { h } from "./charts.js";
import { signOut, signedInUser } from "./session.js";

const TOWER_ROLES = "operations or planner";

// Instead of the panels: ``title`` and ``text``, a paste field when ``paste`` is given, a button when
// ``retry`` is.
function notice(kind, { title, text, paste, retry }) {
  const screen = document.querySelector("#sign-in");
  const parts = [h("h2", { text: title }), h("p", { text })];
  if (paste) {
    const field = h("textarea", { name: "token", rows: "3", placeholder: "access token", "aria-label": "Access token",
      spellcheck: "false", autocomplete: "off" });
    const form = h("form", { class: "paste-token", "data-control": "paste-token" },
      [field, h("button", { type: "submit", text: "Sign in" })]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (field.value.trim()) paste(field.value);
    });
    parts.push(form);
  }
  if (retry) {
    const button = h("button", { type: "button", "data-control": "sign-in-again", text: "Sign in" });
    button.addEventListener("click", retry);
    parts.push(button);
  }
  screen.replaceChildren(...parts);
  screen.dataset.kind = kind;
  screen.hidden = false;
  document.querySelector("main.grid").hidden = true;
}

export const showSignIn = (what) => notice("sign-in", what);

export function showNoTower() {
  notice("no-tower", {
    title: "No access to the control tower",
    text: `Your account (${signedInUser()}) has no role that may see the control tower (${TOWER_ROLES}).`,
  });
}

export function showUser() {
  const who = document.querySelector("#who");
  const button = h("button", { type: "button", class: "sign-out", "data-control": "sign-out", text: "Sign out" });
  button.addEventListener("click", signOut);
  who.replaceChildren(h("span", { "data-part": "user", text: signedInUser() }), button);
  who.hidden = false;
}
