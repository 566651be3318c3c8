// The press page's charts (Chart.js, served by the app) and their PNG downloads: each chart is
// drawn on a white background so that the image reads well once pasted into an article.
(function () {
  const source = document.getElementById("press-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const colours = ["#0b5cad", "#2e9e5b", "#d9822b"];
  const white = {
    id: "white-background",
    beforeDraw: (chart) => {
      const ctx = chart.canvas.getContext("2d");
      ctx.save();
      ctx.globalCompositeOperation = "destination-over";
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };
  const charts = {};
  document.querySelectorAll("canvas[data-series]").forEach((canvas) => {
    const series = canvas.dataset.series.split(",");
    const labels = (canvas.dataset.label || "").split("|");
    charts[canvas.id] = new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: series.map((name, i) => ({
          label: labels[i] || name,
          data: data[name],
          backgroundColor: colours[i % colours.length],
        })),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, locale: "vi-VN",
        plugins: { legend: { display: series.length > 1, position: "bottom" } },
      },
      plugins: [white],
    });
    canvas.dataset.drawn = "1";
  });
  document.querySelectorAll("a.press-png").forEach((link) => {
    link.addEventListener("click", () => {
      const chart = charts[link.dataset.canvas];
      if (chart) link.href = chart.toBase64Image("image/png", 1);
    });
  });
})();
