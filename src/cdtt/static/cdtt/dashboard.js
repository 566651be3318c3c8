// The coverage dashboard's chart: the rate over time, fetched after the page has opened
// (the figures above it come first). Chart.js is served by the app (no CDN).
(function () {
  const canvas = document.getElementById("coverage-chart");
  if (!canvas || !window.Chart) return;
  // Numbers in Vietnamese style, as the page writes them (cdtt.lib.numbers): 12.669, 58,3%.
  const count = (v) => Number(v).toLocaleString("vi-VN");
  const percent = (v) => `${Number(v).toLocaleString("vi-VN", { maximumFractionDigits: 1 })}%`;
  const draw = (data) => {
    if (data.labels.length < 2) {
      canvas.hidden = true;
      const empty = document.getElementById("chart-empty");
      if (empty) empty.hidden = false;
      canvas.dataset.drawn = "0";
      return;
    }
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{
          label: canvas.dataset.label || "%",
          data: data.rates,
          borderColor: "#0b5cad",
          backgroundColor: "rgba(11, 92, 173, 0.12)",
          fill: true,
          tension: 0,
          pointRadius: data.labels.length > 60 ? 0 : 3,
        }],
      },
      options: {
        locale: "vi-VN",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { min: 0, max: 100, ticks: { callback: (v) => percent(v) } },
          x: { ticks: { maxTicksLimit: 8, autoSkip: true } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (ctx) => `${percent(ctx.parsed.y)} (${count(data.covered[ctx.dataIndex])}/${count(data.households[ctx.dataIndex])})`,
            },
          },
        },
      },
    });
    canvas.dataset.drawn = "1";
  };
  fetch(canvas.dataset.src, { credentials: "same-origin" }).then((r) => r.json()).then(draw);
})();
