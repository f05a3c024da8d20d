/* S11: the customer signs the repair order on the engineer's phone (signature_pad, vendored).
   On submit the drawing is sent as a PNG data URL in the form's hidden `signature` field. */
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas || !window.SignaturePad) {
    return;
  }
  var form = canvas.closest("form");
  var input = form.querySelector("input[name$='signature']");
  var empty = document.getElementById("signature-empty");
  var pad = new window.SignaturePad(canvas, { backgroundColor: "rgb(255, 255, 255)", penColor: "rgb(0, 0, 80)" });

  function resize() {
    if (!canvas.offsetWidth) {
      return; // hidden (closed <details>): sized when shown
    }
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var strokes = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(strokes);
  }

  window.addEventListener("resize", resize);
  var details = canvas.closest("details");
  if (details) {
    details.addEventListener("toggle", resize);
  }
  resize();

  pad.addEventListener("endStroke", function () {
    empty.classList.remove("d-block");
  });
  document.getElementById("signature-clear").addEventListener("click", function () {
    pad.clear();
  });
  form.addEventListener("submit", function (event) {
    if (pad.isEmpty()) {
      event.preventDefault();
      empty.classList.add("d-block");
      return;
    }
    empty.classList.remove("d-block");
    input.value = pad.toDataURL("image/png");
  });
})();
