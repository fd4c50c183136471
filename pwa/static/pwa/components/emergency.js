// Emergency numbers, always as tap-to-call links, and the full-screen urgent dialog.

import { h } from "../dom.js";
import { emergencyNumbers } from "../vocabulary.js";

// The numbers for the phone's region first; 112 when the vocabulary has never loaded (it
// works across Europe and forwards on most mobile networks elsewhere).
export const numbers = () => {
  const list = emergencyNumbers();
  return list.length ? list : ["112"];
};

export const callLink = (number, attrs = {}) => h("a", { href: `tel:${number}`, ...attrs }, `Call ${number}`);

// "In an emergency: Call 999 · Call 112 · Call 911" as links.
export function emergencyLine(intro = "In an emergency:") {
  const list = numbers();
  return h(
    "p",
    { class: "emergency-line" },
    `${intro} `,
    list.map((n, i) => [i ? " · " : null, callLink(n)]),
  );
}

const dialog = () => document.getElementById("urgent");

export function showUrgent(message, reason = null) {
  const [first, ...others] = numbers();
  document.getElementById("urgent-message").textContent = reason ? `${message} ${reason}` : message;
  const call = document.getElementById("urgent-call");
  call.href = `tel:${first}`;
  call.textContent = `Call ${first}`;
  document.getElementById("urgent-others").replaceChildren(...others.map((n) => h("li", {}, callLink(n))));
  if (!dialog().open) dialog().showModal();
  call.focus();
}

export const urgentOpen = () => dialog().open;
export const setUrgentMessage = (message) => {
  document.getElementById("urgent-message").textContent = message;
};

export function wireUrgentDialog() {
  document.getElementById("urgent-close").addEventListener("click", () => dialog().close());
}
