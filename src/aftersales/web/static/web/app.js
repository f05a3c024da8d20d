/* Behaviour of the shell, as a static file: the Content-Security-Policy allows no inline handlers
   (onchange=…) and no javascript: URLs.
   - <select data-autosubmit>: submits its form when changed (the language switch);
   - <a data-history-back>: goes back one page when there is one (else follows its href). */
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
})();
