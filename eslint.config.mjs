// ESLint 9 flat config for the PWA's plain ES modules (pwa/static/pwa/) and the clinic's scripts
// (static/clinic/). `npm run lint`.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    // The clinic's two small scripts (classic scripts; Chart.js is loaded before charts.js).
    files: ["static/clinic/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "script",
      globals: { ...globals.browser, Chart: "readonly" },
    },
    rules: { ...js.configs.recommended.rules, eqeqeq: ["error", "always"], "no-var": "error" },
  },
  {
    files: ["pwa/static/pwa/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    rules: {
      ...js.configs.recommended.rules,
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_" }],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
      "no-restricted-properties": [
        "error",
        { property: "innerHTML", message: "Build nodes with h(); never parse HTML strings." },
        { property: "outerHTML", message: "Build nodes with h(); never parse HTML strings." },
      ],
    },
  },
  {
    // The service worker: served at /sw.js with `SHELL` prepended by pwa/views.py.
    files: ["pwa/static/pwa/sw.js"],
    languageOptions: {
      sourceType: "script",
      globals: { ...globals.serviceworker, SHELL: "readonly" },
    },
    rules: { "no-implicit-globals": "off" },
  },
];
