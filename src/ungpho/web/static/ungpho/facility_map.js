// A facility's page map: province boundaries as the base map (no tile server: works offline),
// the site (its boundary when known) and its emergency zones from data-zones (GeoJSON).
(function () {
  const el = document.getElementById("facility-map");
  if (!el) return;
  const site = JSON.parse(document.getElementById("facility-site").textContent);
  const map = L.map(el, { zoomSnap: 0.5 }).setView([site.lat, site.lon], 9);
  const get = (url) => fetch(url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return r.json();
  });
  const { el: h } = window.ungphoDom;
  const boundaries = get(el.dataset.boundaries).then((geo) => {
    window.ungphoBaseMap(map, geo, { interactive: false }).bringToBack();
  });
  const siteLayer = site.boundary
    ? L.geoJSON(site.boundary, { style: { color: "#14213d", weight: 2, fillOpacity: 0.4, className: "site" } })
    : L.circleMarker([site.lat, site.lon], { radius: 6, color: "#fff", weight: 2, fillColor: "#14213d", fillOpacity: 1, className: "site" });
  siteLayer.bindTooltip(h("span", {}, site.name)).addTo(map);
  // Where the facility's mobile sources may work (their licence's permitted area).
  (site.areas || []).forEach((a) => {
    L.geoJSON(a.area, { style: { className: "permitted-area" } }).bindTooltip(h("span", {}, a.serial)).addTo(map);
  });
  const zones = get(el.dataset.zones).then((geo) => {
    // Outermost first, so the inner zones stay clickable on top.
    const features = geo.features.slice().reverse();
    const layer = L.geoJSON({ type: "FeatureCollection", features }, {
      style: (f) => ({ className: `zone zone-${f.properties.zone}` }),
      onEachFeature: (f, l) => {
        const p = f.properties;
        l.bindTooltip(h("span", {}, `${p.zone} · ${p.radius_km} km`));
        l.on("add", () => l.getElement() && l.getElement().setAttribute("data-zone", p.zone));
      },
    }).addTo(map);
    siteLayer.bringToFront && siteLayer.bringToFront();
    const bounds = geo.features.length ? layer.getBounds() : L.latLngBounds([[site.lat, site.lon], [site.lat, site.lon]]);
    (site.areas || []).forEach((a) => bounds.extend(L.geoJSON(a.area).getBounds()));
    if (geo.features.length || (site.areas || []).length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12, animate: false });
    window.ungphoZoneCount = geo.features.length;
  });
  Promise.all([boundaries, zones]).then(() => { el.dataset.ready = "true"; });
})();
