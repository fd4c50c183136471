// The urgency check the phone runs itself, so the urgent screen appears at once even with no
// connection: the same rules as the server's guidance (DESIGN.md, "Safety guidance"), with
// every threshold, code and message from the vocabulary. Pure: the vocabulary, the profile's
// date of birth and "now" are parameters. The server's guidance, when it arrives, takes over.

// Whole calendar months from birth to `day` (both "YYYY-MM-DD").
export function ageInMonths(dateOfBirth, day) {
  const [by, bm, bd] = dateOfBirth.split("-").map(Number);
  const [y, m, d] = day.split("-").map(Number);
  return (y - by) * 12 + (m - bm) - (d < bd ? 1 : 0);
}

const localDay = (date) => date.toLocaleDateString("en-CA");

function daysBetween(earlier, later) {
  return Math.round((new Date(`${later}T00:00:00`) - new Date(`${earlier}T00:00:00`)) / 86400000);
}

// Why a temperature is a red flag, or null.
function temperatureFlag(vocab, celsius, dateOfBirth, day) {
  if (celsius === null || celsius === undefined) return null;
  const t = vocab.temperature;
  if (celsius >= t.red_flag_high_c) return `A temperature of ${t.red_flag_high_c} °C or more is a red flag.`;
  if (celsius < t.red_flag_low_c) return `A temperature below ${t.red_flag_low_c} °C is a red flag.`;
  if (dateOfBirth && celsius >= t.infant_fever_c && ageInMonths(dateOfBirth, day) < t.infant_months) {
    return `A baby under ${t.infant_months} months with ${t.infant_fever_c} °C or more needs to be seen now.`;
  }
  return null;
}

function isAmber(vocab, celsius, dateOfBirth, day) {
  const t = vocab.temperature;
  if (celsius === null || celsius === undefined || !dateOfBirth || celsius < t.amber_fever_c) return false;
  const months = ageInMonths(dateOfBirth, day);
  return months >= t.amber_months[0] && months < t.amber_months[1];
}

// What the rules see in one entry: why it is a red flag (or null), whether it is amber or a
// serious infection, and the day and moment of the reading.
export function findings(vocab, { segment, entry, dateOfBirth }) {
  if (segment === "symptoms") {
    const readingTime = new Date(entry.recorded_at);
    const day = localDay(readingTime);
    const flags = vocab.symptoms.filter((s) => s.red_flag && (entry.symptoms || []).includes(s.code));
    const reason = flags.length
      ? `Emergency signs: ${flags.map((s) => s.label).join("; ")}.`
      : temperatureFlag(vocab, entry.temperature_c, dateOfBirth, day);
    return {
      reason,
      amber: isAmber(vocab, entry.temperature_c, dateOfBirth, day),
      serious: false,
      day,
      readingTime,
    };
  }
  if (segment === "infections") {
    const day = entry.onset;
    let reason = null;
    if (vocab.urgent_infection_kinds.includes(entry.kind)) reason = "This infection is an emergency.";
    else if (vocab.urgent_severities.includes(entry.severity) || entry.icu) {
      reason = "This infection was recorded as life-threatening.";
    } else reason = temperatureFlag(vocab, entry.max_temperature_c, dateOfBirth, day);
    return {
      reason,
      amber: isAmber(vocab, entry.max_temperature_c, dateOfBirth, day),
      serious: entry.severity === "severe" || Boolean(entry.hospitalized || entry.iv_antibiotics),
      day,
      readingTime: new Date(`${day}T23:59:59`),
    };
  }
  if (segment === "infusions") {
    const day = entry.given_on;
    const flags = (vocab.infusion_reactions || []).filter(
      (r) => r.red_flag && (entry.reactions || []).includes(r.code),
    );
    const labels = flags.map((r) => r.label).join("; ");
    const template = (vocab.infusion_guidance || {}).red_flag_reason || "{reactions}.";
    return {
      reason: flags.length ? template.replaceAll("{reactions}", labels) : null,
      amber: false,
      serious: false,
      day,
      readingTime: new Date(`${day}T23:59:59`),
    };
  }
  return { reason: null, amber: false, serious: false, day: null, readingTime: null };
}

// A headache in the days after an infusion into a vein (aseptic meningitis): an assessment today.
function headacheAfterInfusion(vocab, entry, today) {
  const rules = vocab.infusion_guidance;
  if (!rules || entry.route !== rules.headache_route) return null;
  if (!(entry.reactions || []).some((code) => rules.headache_reactions.includes(code))) return null;
  const days = daysBetween(entry.given_on, today);
  return days >= -1 && days < rules.headache_watch_days ? rules.headache_reason : null;
}

// A red-flag entry, marked as such in the timeline (whatever its age).
export const isRedFlagEntry = (vocab, args) =>
  Boolean(vocab && vocab.temperature && findings(vocab, args).reason);

// {level, message, reason, callNow} for an entry about to be saved, or null when the
// vocabulary has never loaded (then only the server can judge).
// `number` is the local emergency number the messages name (their `{number}`).
export function checkUrgency(vocab, { segment, entry, dateOfBirth, now = new Date(), number = null }) {
  if (!vocab || !vocab.temperature) return null;
  const local = number || (vocab.emergency_numbers && vocab.emergency_numbers.default) || "112";
  const messages = Object.fromEntries(
    Object.entries(vocab.guidance.messages).map(([key, text]) => [key, text.replaceAll("{number}", local)]),
  );
  const routine = { level: "routine", message: messages.routine, reason: null, callNow: false };
  if (!["symptoms", "infections", "infusions"].includes(segment)) return routine;
  const today = localDay(now);
  const { reason, amber, serious, day, readingTime } = findings(vocab, { segment, entry, dateOfBirth });
  // An infection already over is history, whatever it was (as the server judges it).
  const ongoing = segment !== "infections" || !entry.resolved_on || entry.resolved_on >= today;
  if (reason && ongoing && daysBetween(day, today) < vocab.recent_days) {
    const callNow = now - readingTime < vocab.call_now_hours * 3600000;
    return {
      level: "urgent",
      message: callNow ? messages.urgent_now : messages.urgent_past,
      reason,
      callNow,
    };
  }
  if (reason) return { level: "contact_care_team", message: messages.urgent_past, reason, callNow: false };
  if (amber || serious) {
    return { level: "contact_care_team", message: messages.contact_care_team, reason: null, callNow: false };
  }
  const headache = segment === "infusions" ? headacheAfterInfusion(vocab, entry, today) : null;
  if (headache) {
    return {
      level: "contact_care_team",
      message: messages.contact_care_team,
      reason: headache,
      callNow: false,
    };
  }
  return routine;
}
