// Countdowns of legal deadlines: every <time data-due="ISO"> shows the time left, or how long
// ago it breached (class "breached"). Re-read each second, so rows swapped in by htmx count too.
(function () {
  "use strict";
  function two(n) { return String(n).padStart(2, "0"); }
  function tick() {
    const now = Date.now();
    document.querySelectorAll("time[data-due]").forEach(function (el) {
      if (el.dataset.done) return;
      const left = Math.round((Date.parse(el.dataset.due) - now) / 1000);
      const s = Math.abs(left);
      const text = (s >= 3600 ? Math.floor(s / 3600) + ":" : "") + two(Math.floor(s / 60) % 60)
        + ":" + two(s % 60);
      el.textContent = (left < 0 ? el.dataset.late : el.dataset.left) + " " + text;
      el.classList.toggle("breached", left < 0);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
