// A form is sent once: its submit buttons are disabled as it goes (the server also refuses a second
// submission of the same form token, core/formtokens.py). Disabled after the event, so the pressed
// button's name and value still travel with the form. htmx requests re-enable them when answered.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) {
      return;
    }
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post" || form.hasAttribute("target")) {
      return;  // a form opening another window (a PDF) leaves this page usable
    }
    var buttons = form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
    window.setTimeout(function () {
      buttons.forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      });
    }, 0);
    if (form.hasAttribute("hx-post")) {
      form.addEventListener("htmx:afterRequest", function () {
        buttons.forEach(function (button) {
          button.disabled = false;
          button.removeAttribute("aria-disabled");
        });
      }, { once: true });
    }
  });
  // Back to a page kept in the browser's cache: its buttons work again (the server still refuses
  // a second submission of the same form token).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("[aria-disabled=true]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      });
    }
  });
})();
