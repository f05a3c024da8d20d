// V2: the call timer against the target length (policy V2.target_seconds). Starts when the page opens;
// the elapsed seconds go with the outcome (talk_seconds).
(function () {
  "use strict";
  var box = document.getElementById("callback-timer");
  if (!box) { return; }
  var target = parseInt(box.getAttribute("data-target"), 10) || 180;
  var field = document.getElementById("id_talk_seconds");
  var started = Date.now();
  function tick() {
    var seconds = Math.floor((Date.now() - started) / 1000);
    var m = Math.floor(seconds / 60), s = seconds % 60;
    box.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    box.classList.toggle("text-danger", seconds > target);
    if (field) { field.value = String(seconds); }
  }
  tick();
  window.setInterval(tick, 1000);
})();
