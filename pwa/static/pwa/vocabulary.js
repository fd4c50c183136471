// The clinical vocabulary served by GET /api/v1/vocabulary: the family-facing label of every
// code, the red flags, the temperature thresholds and the infant clause, the emergency numbers,
// the rules. One source for the PWA, the clinic and the PDF: nothing here is a hand-kept copy.
// The last copy is kept in Cache Storage (not personal data, so logging out keeps it), so the
// labels and the offline urgency check work with no connection.

const URL_PATH = "/api/v1/vocabulary";
const CACHE_NAME = "sigmd-vocabulary";

let current = null;

async function openCache() {
  try {
    return await caches.open(CACHE_NAME);
  } catch {
    return null;
  }
}

// Fresh from the server when there is a connection (the browser revalidates with its ETag),
// otherwise the copy kept on the phone; null only before the very first successful load.
export async function loadVocabulary() {
  const cache = await openCache();
  try {
    const response = await fetch(URL_PATH, { headers: { Accept: "application/json" }, cache: "no-cache" });
    if (response.ok) {
      if (cache) await cache.put(URL_PATH, response.clone());
      current = await response.json();
      return current;
    }
  } catch {
    // Offline: the kept copy below.
  }
  const kept = cache ? await cache.match(URL_PATH) : null;
  if (kept) current = await kept.json();
  return current;
}

export const vocabulary = () => current;

// "otitis_media" -> "Otitis media": only when the vocabulary has never loaded on this phone.
const plain = (code) => {
  const text = String(code).replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
};

export function options(enumName) {
  return ((current && current.enums && current.enums[enumName]) || []).map((o) => [o.code, o.label]);
}

export function label(enumName, code) {
  const found = ((current && current.enums && current.enums[enumName]) || []).find((o) => o.code === code);
  return found ? found.label : plain(code);
}

// The two lists of codes with a red flag each: symptoms, and reactions to an infusion.
const flaggedLabel = (list, code) => (list.find((c) => c.code === code) || { label: plain(code) }).label;
const isFlagged = (list, code) => list.some((c) => c.code === code && c.red_flag);

export const symptoms = () => (current && current.symptoms) || [];
export const symptomLabel = (code) => flaggedLabel(symptoms(), code);
export const isRedFlagSymptom = (code) => isFlagged(symptoms(), code);

export const infusionReactions = () => (current && current.infusion_reactions) || [];
export const reactionLabel = (code) => flaggedLabel(infusionReactions(), code);
export const isRedFlagReaction = (code) => isFlagged(infusionReactions(), code);
// The reaction code that goes with no other ("No reaction"), and what the offline check needs.
export const infusionRules = () => (current && current.infusion_guidance) || {};

// The plausible bounds of a weight (kg) and a height (cm), as the server checks them.
export const measurementLimits = () => (current && current.measurement_limits) || {};

export function ruleLabel(code) {
  const rule = ((current && current.rules) || []).find((r) => r.code === code);
  return rule ? rule.label : plain(code);
}

export function articleSlug(key) {
  return (current && current.articles && current.articles[key]) || null;
}

// The person's emergency number first (from the browser's region), then the other ones the
// vocabulary lists, each once.
export function emergencyNumbers(locale = navigator.language) {
  const table = (current && current.emergency_numbers) || {};
  const region = (locale.split("-")[1] || "").toUpperCase();
  const first = table[region] || table.default;
  return [...new Set([first, ...Object.values(table)].filter(Boolean))];
}

export function usesFahrenheit(locale = navigator.language) {
  return (locale.split("-")[1] || "").toUpperCase() === "US";
}
