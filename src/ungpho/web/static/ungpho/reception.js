// Keys of the duty desk (docs/incident-reception.md): Alt+N opens the call form from any page
// that links it (a[data-shortcut="alt+n"]); Ctrl+Enter (⌘+Enter) submits a form marked
// data-ctrl-enter, from any of its fields, textareas included.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyN") {
      const link = document.querySelector('a[data-shortcut="alt+n"]');
      if (link) { event.preventDefault(); link.click(); }
    } else if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      const form = document.querySelector("form[data-ctrl-enter]");
      if (form) { event.preventDefault(); form.requestSubmit(); }
    }
  });
})();
