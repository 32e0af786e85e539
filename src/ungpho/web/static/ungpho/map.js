// Operations and public maps: province boundaries (the base map: no tile server, so the page
// works offline), province centres and open reports where the page asks for them, and the
// station layer (state colour, VN_AQI badge), fetched again every data-refresh-s seconds.
(function () {
  const el = document.getElementById("map");
  const map = L.map(el, { zoomSnap: 0.5 }).setView([16.0, 106.0], 5.5);
  const en = el.dataset.lang === "en";
  const states = JSON.parse(document.getElementById("map-states").textContent);
  const labels = JSON.parse(document.getElementById("map-labels").textContent);
  const get = (url) => fetch(url, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return r.json();
  });
  const { el: h, lines } = window.ungphoDom;
  const loads = [];
  // Stations above the province centres, open reports above the stations.
  map.createPane("stations").style.zIndex = 440;
  map.createPane("reports").style.zIndex = 450;

  // The whole country, Hoàng Sa and Trường Sa included, fills the first view.
  loads.push(get(el.dataset.boundaries).then((geo) => {
    const base = window.ungphoBaseMap(map, geo, {
      onEachFeature: (f, layer) => layer.bindTooltip(h("span", {}, en ? f.properties.name_en : f.properties.name_vi)),
    }).bringToBack();
    map.fitBounds(base.getBounds(), { padding: [10, 10], animate: false });
  }));
  if (el.dataset.provinces) {
    get(el.dataset.provinces).then((provinces) => {
      window.ungphoProvinceCount = provinces.length;
      provinces.forEach((p) => {
        L.circleMarker([p.centre.lat, p.centre.lon], { radius: 3, color: "#334", className: "centre" })
          .bindPopup(lines(h("b", {}, en ? p.name_en : p.name_vi), p.centre_vi)).addTo(map);
      });
    });
  }
  if (el.dataset.layers) {
    loads.push(get(el.dataset.layers).then((layers) => {
      window.ungphoLayers = layers;
      layers.reports.forEach((r) => {
        L.circleMarker([r.lat, r.lon], { radius: 11, color: "#c00", className: "report", pane: "reports" })
          .bindPopup(lines(h("b", {}, `${el.dataset.labelReport} ${r.code}`), r.title)).addTo(map);
      });
    }));
  }

  // Vietnam is UTC+7 all year (no daylight saving time).
  const vietnamTime = (iso) => new Date(Date.parse(iso) + 7 * 3600e3).toISOString().slice(0, 16).replace("T", " ");
  // Black or white text, whichever contrasts more with the badge colour (WCAG 2.1 luminance).
  const ink = (rgb) => {
    const lin = rgb.map((c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    const lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    return (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? "#000" : "#fff";
  };
  const stationState = (p) => states[p.state] || states.offline;

  function popup(p) {
    const state = stationState(p);
    const c = p.aqi && p.aqi.category;
    return lines(
      h("span", {}, h("b", {}, p.name), " ", h("small", {}, p.code)),
      `${labels.type}: ${p.type_name}`,
      `${labels.province}: ${p.province}`,
      h("span", {}, `${labels.state}: `,
        h("span", { class: "state-chip", style: { background: state.colour } }, state.name)),
      `${labels.last_reading}: ${p.last_reading_at
        ? `${vietnamTime(p.last_reading_at)} (${labels.vietnam_time})` : labels.never}`,
      c && h("span", {}, `${labels.aqi}: `, h("b", {}, p.aqi.aqi), ` — ${en ? c.name_en : c.name_vi}`),
      el.dataset.stationUrl && h("a", {
        class: "station-link", href: el.dataset.stationUrl.replace("__code__", encodeURIComponent(p.code)),
      }, labels.open_station),
    );
  }

  function badgeIcon(p) {
    const c = p.aqi.category;
    return L.divIcon({
      className: "aqi-badge", iconSize: null, iconAnchor: [-7, 26],
      html: h("span", { class: "aqi", data: { station: p.code, level: c.level },
        style: { background: c.colour_hex, color: ink(c.rgb) } }, p.aqi.aqi),
    });
  }

  const stationLayer = L.layerGroup().addTo(map);
  const markers = new Map();  // station code → { circle, badge, badgeKey }

  function drawStations(geo) {
    const seen = new Set();
    geo.features.forEach((f) => {
      const p = f.properties;
      const at = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      const state = stationState(p);
      seen.add(p.code);
      let m = markers.get(p.code);
      if (!m) {
        m = { circle: L.circleMarker(at, { radius: 7, weight: 2, fillOpacity: 0.85, className: "station", pane: "stations" })
          .bindPopup("").addTo(stationLayer), badge: null, badgeKey: null };
        markers.set(p.code, m);
      }
      m.circle.setLatLng(at).setStyle({ color: state.colour, fillColor: state.colour });
      m.circle.setPopupContent(popup(p));
      const path = m.circle.getElement();
      path.setAttribute("data-station", p.code);
      path.setAttribute("data-state", p.state);
      const badgeKey = p.aqi ? `${p.aqi.aqi}/${p.aqi.category.level}` : null;
      if (badgeKey !== m.badgeKey) {
        if (m.badge) stationLayer.removeLayer(m.badge);
        m.badge = p.aqi ? L.marker(at, { icon: badgeIcon(p), keyboard: false }).bindPopup("").addTo(stationLayer) : null;
        m.badgeKey = badgeKey;
      }
      if (m.badge) m.badge.setLatLng(at).setPopupContent(popup(p));
    });
    markers.forEach((m, code) => {
      if (seen.has(code)) return;
      stationLayer.removeLayer(m.circle);
      if (m.badge) stationLayer.removeLayer(m.badge);
      markers.delete(code);
    });
    window.ungphoStationLoads = (window.ungphoStationLoads || 0) + 1;
  }

  // Risk registry: facilities by hazard category (I–V, colours in registry.css) and the zones
  // of foreign category I–II plants, each shown or hidden by its checkbox in the legend.
  function toggled(layer, id) {
    const box = document.getElementById(id);
    const sync = () => (box.checked ? layer.addTo(map) : layer.remove());
    if (box) { box.addEventListener("change", sync); sync(); } else layer.addTo(map);
  }
  if (el.dataset.facilities) {
    map.createPane("facilities").style.zIndex = 460;
    const facilityLayer = L.layerGroup();
    loads.push(get(el.dataset.facilities).then((geo) => {
      geo.features.forEach((f) => {
        const p = f.properties;
        const category = p.category || "none";
        const icon = L.divIcon({
          className: "facility-icon", iconSize: null, iconAnchor: [12, 10],
          html: h("span", { class: `facility-mark cat-${category}`,
            data: { facility: p.code, category: p.category || "" } }, p.category || "—"),
        });
        const place = p.foreign ? p.country : (p.province_name || "");
        L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], { icon, pane: "facilities", title: p.name })
          .bindPopup(lines(h("span", {}, h("b", {}, p.name), " ", h("small", {}, p.code)), p.kind_name,
            place, `${el.dataset.labelCategory}: ${p.category || "—"}`,
            h("a", { class: "facility-link", href: p.url }, el.dataset.labelOpenFacility)))
          .addTo(facilityLayer);
      });
      toggled(facilityLayer, "layer-facilities");
    }));
  }
  if (el.dataset.foreignZones) {
    loads.push(get(el.dataset.foreignZones).then((geo) => {
      const features = geo.features.slice().reverse();  // outermost first, drawn below
      const zoneLayer = L.geoJSON({ type: "FeatureCollection", features }, {
        style: (f) => ({ className: `zone zone-${f.properties.zone}` }),
        onEachFeature: (f, l) => l.bindTooltip(h("span", {},
          `${f.properties.facility} · ${f.properties.zone} ${f.properties.radius_km} km`)),
      });
      toggled(zoneLayer, "layer-foreign-zones");
    }));
  }

  const loadStations = () => get(el.dataset.stations).then(drawStations);
  loads.push(loadStations());
  // A failed refresh (server restarting, session expired) keeps the last layer shown.
  setInterval(() => loadStations().catch(() => {}), Number(el.dataset.refreshS || 15) * 1000);
  Promise.all(loads).then(() => { el.dataset.ready = "true"; });
})();
