// Operations map: province boundaries and centres, stations, open reports. No tile server:
// the boundaries are the base map, so the page works offline.
(function () {
  const el = document.getElementById("map");
  const map = L.map(el, { zoomSnap: 0.5 }).setView([16.0, 106.0], 5.5);
  const en = el.dataset.lang === "en";
  const get = (url) => fetch(url, { credentials: "same-origin" }).then((r) => r.json());
  const text = (s) => { const d = document.createElement("div"); d.textContent = s; return d.innerHTML; };

  get(el.dataset.boundaries).then((geo) => {
    L.geoJSON(geo, {
      style: { color: "#51606f", weight: 1, fillColor: "#e9eef2", fillOpacity: 1 },
      onEachFeature: (f, layer) => layer.bindTooltip(en ? f.properties.name_en : f.properties.name_vi),
    }).addTo(map).bringToBack();
    map.fitBounds(L.geoJSON(geo).getBounds(), { padding: [10, 10] });
  });
  get(el.dataset.provinces).then((provinces) => {
    window.ungphoProvinceCount = provinces.length;
    provinces.forEach((p) => {
      L.circleMarker([p.centre.lat, p.centre.lon], { radius: 3, color: "#334", className: "centre" })
        .bindPopup(`<b>${text(en ? p.name_en : p.name_vi)}</b><br>${text(p.centre_vi)}`).addTo(map);
    });
  });
  get(el.dataset.layers).then((layers) => {
    window.ungphoLayers = layers;
    layers.stations.forEach((s) => {
      L.circleMarker([s.lat, s.lon], { radius: 6, color: "#0a7", className: "station" })
        .bindPopup(`<b>${text(el.dataset.labelStation)} ${text(s.code)}</b><br>${text(s.name)}`).addTo(map);
    });
    layers.reports.forEach((r) => {
      L.circleMarker([r.lat, r.lon], { radius: 11, color: "#c00", className: "report" })
        .bindPopup(`<b>${text(el.dataset.labelReport)} ${text(r.code)}</b><br>${text(r.title)}`).addTo(map);
    });
    el.dataset.ready = "true";
  });
})();
