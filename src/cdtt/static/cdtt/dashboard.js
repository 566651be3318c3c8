// The coverage dashboard's chart: the rate over time, from the JSON the page embeds
// (<script id="chart-data">). Chart.js is served by the app (no CDN).
(function () {
  const canvas = document.getElementById("coverage-chart");
  const source = document.getElementById("chart-data");
  if (!canvas || !source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const percent = (v) => `${Number(v).toLocaleString("vi-VN", { maximumFractionDigits: 1 })}%`;
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [{
        label: canvas.dataset.label || "Tỷ lệ hộ đạt (%)",
        data: data.rates,
        borderColor: "#0b5cad",
        backgroundColor: "rgba(11, 92, 173, 0.12)",
        fill: true,
        tension: 0.2,
        pointRadius: data.labels.length > 60 ? 0 : 3,
      }],
    },
    options: {
      responsive: true,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        y: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } },
        x: { ticks: { maxTicksLimit: 8, autoSkip: true } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (ctx) => `${percent(ctx.parsed.y)} (${data.covered[ctx.dataIndex]}/${data.households[ctx.dataIndex]})`,
          },
        },
      },
    },
  });
  canvas.dataset.drawn = "1";
})();
