/* Behaviour of the shell, as a static file: the Content-Security-Policy allows no inline handlers
   (onchange=…) and no javascript: URLs.
   - <select data-autosubmit>: submits its form when changed (the language switch);
   - <a data-history-back>: goes back one page when there is one (else follows its href);
   - [data-live] (a region htmx refreshes every few seconds, e.g. the dispatch board): not refreshed
     while the user types or chooses in it, so a half-filled form is never swapped away. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-history-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("input", function (event) {
    var live = event.target instanceof Element ? event.target.closest("[data-live]") : null;
    if (live) {
      live.setAttribute("data-live-dirty", "");
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!(elt instanceof Element) || !elt.hasAttribute("data-live")) {
      return;
    }
    var focused = document.activeElement;
    if (elt.hasAttribute("data-live-dirty") || (focused && focused !== document.body && elt.contains(focused))) {
      event.preventDefault();
    }
  });
})();
