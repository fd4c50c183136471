// Files the server makes for the family (the visit summary PDF, the data export): fetched with
// the session cookie, then handed to the browser as a download. A report the server renders in
// the background answers 202: the client waits and asks again, briefly.

import { NetworkError } from "./api.js";

const POLL_MS = 2000;
const POLL_LIMIT = 30;

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchFile(url) {
  let next = url;
  for (let attempt = 0; attempt <= POLL_LIMIT; attempt += 1) {
    let response;
    try {
      response = await fetch(next, { credentials: "same-origin", cache: "no-store" });
    } catch (error) {
      throw new NetworkError(error.message);
    }
    if (response.status !== 202) return response;
    const body = await response.json().catch(() => ({}));
    next = response.headers.get("Location") || body.url || body.status_url || next;
    await wait(POLL_MS);
  }
  return null;
}

// Answers null when the file was saved, or a sentence saying why not.
export async function download(url, filename) {
  let response;
  try {
    response = await fetchFile(url);
  } catch (error) {
    if (error instanceof NetworkError) return "No connection. Please try again when you are back online.";
    throw error;
  }
  if (!response) return "The file is taking long to prepare. Please try again in a minute.";
  if (response.status === 429) return "Too many downloads in a short time. Please try again later.";
  if (!response.ok) return `The server could not make the file (${response.status}). Please try again.`;
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60000);
  return null;
}
