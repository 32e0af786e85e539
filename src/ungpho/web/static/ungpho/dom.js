// Data goes into the page as text, never as HTML (issue 20): the maps build their tooltips,
// popups and icons as elements whose text is set with textContent — a facility named
// "<img src=x onerror=…>" shows those characters. Leaflet takes an element wherever it takes
// an HTML string (bindTooltip, bindPopup, setPopupContent, divIcon's html).
window.ungphoDom = (function () {
  "use strict";
  // el("b", { class: "x", data: { station: code }, style: { background: colour }, href }, ...children)
  // Children are nodes or text; null, undefined and false are left out.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.entries(props || {}).forEach(([name, value]) => {
      if (value === null || value === undefined) return;
      if (name === "class") node.className = value;
      else if (name === "data") Object.assign(node.dataset, value);
      else if (name === "style") Object.assign(node.style, value);  // CSSOM: allowed by the CSP
      else node.setAttribute(name, value);
    });
    children.flat().forEach((child) => {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : String(child));
      }
    });
    return node;
  }
  // Rows, one a line (separated by <br>), in one element.
  function lines(...rows) {
    const node = el("span");
    rows.filter((row) => row !== null && row !== undefined && row !== false).forEach((row, i) => {
      if (i) node.append(el("br"));
      node.append(row instanceof Node ? row : String(row));
    });
    return node;
  }
  return { el, lines };
})();
