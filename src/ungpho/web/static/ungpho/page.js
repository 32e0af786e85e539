// What any page may use, kept out of the HTML for the Content-Security-Policy (no inline
// script, no style attribute): colour swatches (data-swatch="#rrggbb", set through the CSSOM)
// and print buttons (data-print). Content swapped in by htmx gets its swatches too.
(function () {
  "use strict";
  function swatches(root) {
    const found = Array.from(root.querySelectorAll("[data-swatch]"));
    if (root.matches && root.matches("[data-swatch]")) found.push(root);
    found.forEach(function (el) { el.style.backgroundColor = el.dataset.swatch; });
  }
  document.addEventListener("DOMContentLoaded", function () { swatches(document); });
  document.addEventListener("htmx:load", function (event) { swatches(event.target); });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
