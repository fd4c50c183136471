// An SVG element made like h() makes HTML ones: the charts are drawn with these, never from
// markup strings, and take their colours from app.css classes (the CSP allows no inline style).

const SVG = "http://www.w3.org/2000/svg";

export function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  if (text !== undefined) el.textContent = text;
  return el;
}
