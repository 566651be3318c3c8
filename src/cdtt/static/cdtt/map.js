// Communes as points on a Leaflet map. The tile layer is optional (a setting): with none the
// map still shows the points, which is what an intranet without tile access gets.
(function () {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const map = L.map(el, { zoomSnap: 0.5, zoomControl: false });
  L.control.zoom({
    zoomInTitle: el.dataset.zoomIn || "+",
    zoomOutTitle: el.dataset.zoomOut || "-",
  }).addTo(map);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
  }
  // The colours come from the legend beside the map (core/_map.html): each entry's colour and
  // the lowest rate it stands for, or none for "no data".
  const legend = document.getElementById("map-legend");
  const scale = legend ? Array.from(legend.querySelectorAll("[data-colour]")).map((li) => ({
    colour: li.dataset.colour,
    from: li.dataset.from === "" ? null : Number(li.dataset.from),
  })) : [];
  const noData = (scale.find((s) => s.from === null) || { colour: "#0b5cad" }).colour;
  const colour = (rate) => {
    if (rate == null) return noData;
    let best = null;
    for (const s of scale) if (s.from !== null && rate >= s.from && (!best || s.from >= best.from)) best = s;
    return best ? best.colour : noData;
  };
  fetch(el.dataset.src, { credentials: "same-origin" }).then((r) => r.json()).then((data) => {
    const layer = L.geoJSON(data, {
      pointToLayer: (f, latlng) => L.circleMarker(latlng, {
        radius: 6, weight: 1, color: "#333", fillOpacity: 0.8, fillColor: colour(f.properties.rate),
      }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        // Vietnamese style, as the pages write it (cdtt.lib.numbers): 58,3%.
        const percent = (p.rate * 100).toLocaleString("vi-VN", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
        const rate = p.rate == null ? "" : `<br>${percent}%`;
        l.bindPopup(`<a href="${p.url || ""}">${p.name}</a> (${p.code})${rate}`);
      },
    }).addTo(map);
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20] });
    else map.setView([19.8, 105.6], 8);
    el.dataset.loaded = String(data.features.length);
  });
})();
