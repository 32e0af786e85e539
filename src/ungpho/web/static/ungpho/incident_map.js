// The incident page's map: province boundaries as the base map (no tile server: works
// offline), the incident's point, its reports, its mobile source's recent track, its
// facility's emergency zones and the area of the public message in force.
(function () {
  const el = document.getElementById("incident-map");
  if (!el) return;
  const data = JSON.parse(document.getElementById("incident-map-data").textContent);
  const labels = data.labels;
  const here = [data.incident.lat, data.incident.lon];
  const map = L.map(el, { zoomSnap: 0.5 }).setView(here, 11);
  const get = (url) => fetch(url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return r.json();
  });
  const { el: h, lines } = window.ungphoDom;
  // Vietnam is UTC+7 all year (no daylight saving time).
  const vietnamTime = (iso) => new Date(Date.parse(iso) + 7 * 3600e3).toISOString().slice(0, 16).replace("T", " ");
  const bounds = L.latLngBounds([here, here]);
  const loads = [];
  // Below the overlays whatever order the fetches end in: the base map, then the zones.
  map.createPane("base").style.zIndex = 350;
  map.createPane("zones").style.zIndex = 390;

  loads.push(get(data.boundaries_url).then((geo) => {
    window.ungphoBaseMap(map, geo, { interactive: false, pane: "base" });
  }));

  const message = data.message;
  if (message) {
    const tip = () => lines(`${labels.message} ${message.number}`, message.description || null);
    if (message.circle) {
      const c = message.circle;
      const circle = L.circle([c.lat, c.lon], { radius: c.radius_m, className: "message-area" })
        .bindTooltip(tip).addTo(map);
      bounds.extend(circle.getBounds());
    }
    if (message.polygon && message.polygon.length) {
      const polygon = L.polygon(message.polygon, { className: "message-area" }).bindTooltip(tip).addTo(map);
      bounds.extend(polygon.getBounds());
    }
  }

  if (data.zones_url) {
    loads.push(get(data.zones_url).then((geo) => {
      // Outermost first, so the inner zones stay on top.
      const features = geo.features.slice().reverse();
      L.geoJSON({ type: "FeatureCollection", features }, {
        pane: "zones",
        style: (f) => ({ className: `zone zone-${f.properties.zone}` }),
        onEachFeature: (f, l) => l.bindTooltip(h("span", {}, `${f.properties.zone} · ${f.properties.radius_km} km`)),
      }).addTo(map);
      // The facility has zones only in categories I and II (Phụ lục IV).
      document.getElementById("incident-map-zones-key").hidden = !geo.features.length;
      window.ungphoZoneCount = geo.features.length;
    }));
  }

  if (data.track.length) {
    const points = data.track.map((p) => [p.lat, p.lon]);
    const line = L.polyline(points, { className: "track" })
      .bindTooltip(h("span", {}, `${labels.track} ${data.source}`)).addTo(map);
    const last = data.track[data.track.length - 1];
    L.circleMarker([last.lat, last.lon], { radius: 4, className: "track-end" })
      .bindTooltip(h("span", {}, `${data.source} · ${labels.now}: ${vietnamTime(last.at)} (UTC+7)`)).addTo(map);
    bounds.extend(line.getBounds());
  }

  data.reports.forEach((r) => {
    L.circleMarker([r.lat, r.lon], { radius: 7, weight: 2, className: "report" })
      .bindTooltip(h("span", {}, `${labels.report} ${r.code} · ${r.source}`)).addTo(map);
    bounds.extend([r.lat, r.lon]);
  });

  L.circleMarker(here, { radius: 8, weight: 2, className: "incident" })
    .bindTooltip(h("span", {}, data.incident.code), { permanent: true, direction: "right", className: "incident-label" })
    .addTo(map);

  map.fitBounds(bounds.pad(0.2), { maxZoom: 14, animate: false });
  Promise.all(loads).then(() => { el.dataset.ready = "true"; });
})();
