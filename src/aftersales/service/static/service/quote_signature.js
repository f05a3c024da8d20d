/* B1: the customer signs the quotation on the screen (signature_pad, vendored); on submit the
   drawing goes into the accept form's hidden `signature` field as a PNG data URL. */
(function () {
  var canvas = document.getElementById("quote-signature-pad");
  var form = document.getElementById("quote-accept-form");
  if (!canvas || !form || !window.SignaturePad) { return; }
  var pad = new window.SignaturePad(canvas);
  document.getElementById("quote-signature-clear").addEventListener("click", function () { pad.clear(); });
  form.addEventListener("submit", function () {
    form.querySelector("[name='accept-signature']").value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
  });
})();
