/* Campaign dashboard chart: visits and households first reached per day, cumulative reach
 * against the target. Redrawn when htmx swaps the live section. */
(function () {
  "use strict";
  var chart = null;
  function draw() {
    var canvas = document.getElementById("campaign-chart");
    var source = document.getElementById("chart-data");
    if (!canvas || !source || !window.Chart) return;
    var d = JSON.parse(source.textContent);
    if (chart) chart.destroy();
    var sets = [
      {type: "bar", label: "Lượt đến hộ", data: d.visits, backgroundColor: "#9ec5f0", yAxisID: "y"},
      {type: "bar", label: "Hộ đến lần đầu", data: d.reached, backgroundColor: "#0b5cad", yAxisID: "y"},
      {type: "line", label: "Lũy kế hộ đã đến", data: d.cumulative, borderColor: "#1b7f3b", yAxisID: "y"}
    ];
    if (d.target) {
      sets.push({type: "line", label: "Chỉ tiêu", data: d.labels.map(function () { return d.target; }),
                 borderColor: "#b3261e", borderDash: [6, 4], pointRadius: 0, yAxisID: "y"});
    }
    chart = new Chart(canvas, {data: {labels: d.labels, datasets: sets},
      // Ticks and tooltips in Vietnamese style (12.669; 58,3), like the rest of the page. The
      // height is the container's (app.css), not the width's ratio: on a phone the plot keeps
      // room for its bars and the legend goes below it in small boxes.
      options: {locale: "vi-VN", animation: false, responsive: true, maintainAspectRatio: false,
        scales: {y: {beginAtZero: true, ticks: {precision: 0}}, x: {ticks: {maxTicksLimit: 8, autoSkip: true}}},
        plugins: {legend: {position: "bottom", labels: {boxWidth: 12, boxHeight: 12, padding: 8}}}}});
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSwap", draw);
})();
