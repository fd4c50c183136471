// The patient page's charts, drawn by Chart.js (static/vendor) from the numbers the server
// put in the page with json_script. Each chart has a table of the same numbers beside it.
"use strict";

(function () {
  const source = document.getElementById("chart-data");
  if (!source || typeof window.Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const Chart = window.Chart;
  const ink = getComputedStyle(document.body).color;
  Chart.defaults.color = ink;
  Chart.defaults.font.size = 14;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation = false;

  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  const integerAxis = { beginAtZero: true, ticks: { precision: 0 } };

  draw("chart-infections", {
    type: "bar",
    data: {
      labels: data.months,
      datasets: data.infections.map((row) => ({ label: row.label, data: row.counts })),
    },
    options: {
      scales: {
        x: { stacked: true },
        y: { ...integerAxis, stacked: true, title: { display: true, text: "Infections" } },
      },
    },
  });

  data.rule_windows.forEach((row) => {
    draw(`chart-rule-${row.rule}`, {
      type: "bar",
      data: {
        labels: data.months,
        datasets: [
          { type: "bar", label: `Episodes in the last ${row.window_days} days`, data: row.counts },
          {
            type: "line",
            label: `Threshold in force (${row.threshold})`,
            data: data.months.map(() => row.threshold),
            borderDash: [6, 4],
            pointRadius: 0,
          },
        ],
      },
      options: { scales: { y: { ...integerAxis, title: { display: true, text: "Episodes" } } } },
    });
  });

  draw("chart-antibiotics", {
    type: "bar",
    data: {
      labels: data.months,
      datasets: [
        { label: "Treatment", data: data.antibiotic_days.treatment },
        { label: "Prophylaxis", data: data.antibiotic_days.prophylaxis },
      ],
    },
    options: { scales: { y: { ...integerAxis, title: { display: true, text: "Days on antibiotics" } } } },
  });

  data.labs.forEach((lab) => {
    if (!lab.results.length) return;
    const dashed = {
      borderDash: [6, 4],
      pointRadius: 3,
      pointStyle: "line",
      fill: false,
      stepped: true,
      spanGaps: true,
    };
    // A result below its lab's range is a triangle, not only another colour.
    const below = (r) => r.below === true;
    draw(`chart-lab-${lab.analyte}`, {
      type: "line",
      data: {
        labels: lab.results.map((r) => r.date),
        datasets: [
          {
            label: `${lab.analyte} (${lab.unit}); a triangle is below the lab's range`,
            data: lab.results.map((r) => r.value),
            borderWidth: 3,
            pointStyle: lab.results.map((r) => (below(r) ? "triangle" : "circle")),
            pointRadius: lab.results.map((r) => (below(r) ? 8 : 4)),
          },
          { label: "Reference low", data: lab.results.map((r) => r.low), ...dashed },
          { label: "Reference high", data: lab.results.map((r) => r.high), ...dashed },
        ],
      },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: lab.unit } } } },
    });
  });

  [
    ["weight_kg", "chart-growth-weight", "Weight (kg)"],
    ["height_cm", "chart-growth-height", "Height (cm)"],
  ].forEach(([field, id, label]) => {
    draw(id, {
      type: "line",
      data: {
        labels: data.growth.dates,
        datasets: [{ label, data: data.growth[field], borderWidth: 3, spanGaps: true }],
      },
      options: { scales: { y: { title: { display: true, text: label } } } },
    });
  });
})();
