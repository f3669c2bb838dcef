// Draws the dashboard's charts from the figures the page embeds; a bar opens the matching list.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var colours = ["#0b5cad", "#8a4baf", "#1a7f37", "#bc4c00", "#a40e26", "#57606a", "#0a7480", "#6639ba", "#953800"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var figures = data[canvas.dataset.chart];
    var line = canvas.dataset.chart === "releases";
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: figures.labels,
        datasets: [{
          label: figures.label,
          data: figures.values,
          backgroundColor: line ? "#0b5cad" : figures.values.map(function (_, i) { return colours[i % colours.length]; }),
          borderColor: "#0b5cad",
          fill: false,
          tension: 0.1
        }]
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: canvas.dataset.chart === "captivity" ? "y" : "x",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true }, y: { beginAtZero: true } },
        onClick: function (event, elements) {
          if (elements.length) { window.location.href = figures.links[elements[0].index]; }
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        }
      }
    });
  });
})();
