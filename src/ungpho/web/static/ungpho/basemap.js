// The base map of every map (no tile server: the pages work offline): the 34 provincial units
// of /api/v1/geo/provinces/boundaries, and the names of the Hoàng Sa and Trường Sa archipelagos
// (Luật Biển Việt Nam 2012 Điều 1), whose islands are parts of Đà Nẵng and Khánh Hòa too small
// to be seen at a national scale without their name. The name stands under the islands.
window.ungphoBaseMap = function (map, geo, options) {
  "use strict";
  options = options || {};
  const en = document.documentElement.lang === "en";
  const { el: h } = window.ungphoDom;
  const layer = L.geoJSON(geo, Object.assign({
    style: { color: "#51606f", weight: 1, fillColor: "#e9eef2", fillOpacity: 1 },
  }, options)).addTo(map);
  geo.features.forEach((f) => (f.properties.archipelagos || []).forEach((a) => {
    const [west, south, east] = a.bounds;
    const name = en ? a.name_en : a.name_vi;
    const cut = name.lastIndexOf(" (");  // "(Việt Nam)" on a line of its own
    L.marker([south, (west + east) / 2], {
      interactive: false, keyboard: false, pane: options.pane || "overlayPane",
      icon: L.divIcon({
        className: "archipelago-label", iconSize: null, iconAnchor: [0, 0],
        html: h("span", { lang: en ? "en" : "vi" },
          cut > 0 ? [h("span", {}, name.slice(0, cut)), h("span", {}, name.slice(cut + 1))] : name),
      }),
    }).addTo(map);
  }));
  return layer;
};
