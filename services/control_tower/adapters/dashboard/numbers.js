// How the page writes numbers: Dutch by default (1.234,5 and € 3.435), as IND staff read them, or
// English (1,234.5 and € 3,435). The choice is kept in the URL (?numbers=en) and in localStorage, so a
// shared link and the next visit read the same way. Every panel formats through these functions.

export const NUMBER_FORMATS = {
  nl: { locale: "nl-NL", label: "Nederlands (1.234,5)" },
  en: { locale: "en-GB", label: "English (1,234.5)" },
};
const DEFAULT = "nl";
const STORED = "tower.numbers";

let chosen = DEFAULT;
let oneDecimal;
let wholeNumber;

export function useNumbers(key) {
  chosen = NUMBER_FORMATS[key] ? key : DEFAULT;
  const { locale } = NUMBER_FORMATS[chosen];
  oneDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  wholeNumber = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  return chosen;
}

export const numbersInUse = () => chosen;

// The URL's choice first (a shared link), then this browser's last choice, then Dutch.
export function numbersAsked(query) {
  let stored = null;
  try {
    stored = localStorage.getItem(STORED);
  } catch {
    // storage may be off (a private window): the URL and the default still work
  }
  return [query.get("numbers"), stored].find((key) => NUMBER_FORMATS[key]) || DEFAULT;
}

export function rememberNumbers(key) {
  try {
    localStorage.setItem(STORED, key);
  } catch {
    // see numbersAsked
  }
  const url = new URL(location.href);
  url.searchParams.set("numbers", key);
  history.replaceState(null, "", url);
}

useNumbers(DEFAULT);

const missing = (n) => n === null || n === undefined || Number.isNaN(n);
export const fmt = (n) => (missing(n) ? "—" : oneDecimal.format(n));
// Cases are whole: an expected count from a model (e.g. 629.8 open) is shown as the nearest whole case.
export const whole = (n) => (missing(n) ? "—" : wholeNumber.format(Math.round(n)));
export const euro = (n) => (missing(n) ? "—" : `€ ${wholeNumber.format(n)}`);

// Seconds as the unit a reader takes in at a glance: 42 s, 12 min, 5 h, 223 d.
export function duration(seconds) {
  if (missing(seconds)) return "—";
  if (seconds < 120) return `${fmt(Math.round(seconds * 10) / 10)} s`;
  if (seconds < 7200) return `${fmt(Math.round(seconds / 60))} min`;
  if (seconds < 172800) return `${fmt(Math.round(seconds / 3600))} h`;
  return `${fmt(Math.round(seconds / 86400))} d`;
}
