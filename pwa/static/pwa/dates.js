// Dates and times as a family reads them, in the phone's own language and time zone.

export const today = () => new Date().toLocaleDateString("en-CA"); // YYYY-MM-DD, local

export const dateFormat = new Intl.DateTimeFormat(undefined, {
  day: "numeric",
  month: "short",
  year: "numeric",
});
export const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

const asDate = (value) => (value.length === 10 ? new Date(`${value}T00:00:00`) : new Date(value));

export const formatDate = (value) => dateFormat.format(asDate(value));
export const hasTime = (value) => value.length > 10;

// "3 Dec 2026 at 20:01", or "today at 20:01".
export function formatDateTime(value) {
  const at = new Date(value);
  const day = at.toDateString() === new Date().toDateString() ? "today" : dateFormat.format(at);
  return `${day} at ${timeFormat.format(at)}`;
}

// What the datetime-local field shows for a moment: local time, to the minute.
export function localInputValue(date) {
  const copy = new Date(date);
  copy.setSeconds(0, 0);
  return new Date(copy.getTime() - copy.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

// "4 years", "7 months", "3 weeks": the age a parent would say.
export function ageText(dateOfBirth, on = today()) {
  if (!dateOfBirth) return "";
  const [by, bm, bd] = dateOfBirth.split("-").map(Number);
  const [y, m, d] = on.split("-").map(Number);
  const months = (y - by) * 12 + (m - bm) - (d < bd ? 1 : 0);
  if (months >= 24) return `${Math.floor(months / 12)} years`;
  if (months >= 2) return `${months} months`;
  const days = Math.round((asDate(on) - asDate(dateOfBirth)) / 86400000);
  const weeks = Math.floor(days / 7);
  return weeks >= 1 ? `${weeks} ${weeks === 1 ? "week" : "weeks"}` : `${days} ${days === 1 ? "day" : "days"}`;
}
