// X5: draws the risk heat map (likelihood × impact) with ECharts (vendored); data from json_script.
(function () {
  "use strict";
  document.querySelectorAll("[data-heatmap]").forEach(function (el) {
    var data = JSON.parse(document.getElementById(el.dataset.heatmap).textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var top = 1;
    data.cells.forEach(function (c) { top = Math.max(top, c[2]); });
    chart.setOption({
      animation: false,
      tooltip: { position: "top", renderMode: "richText" },
      grid: { left: 48, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: data.impact, name: data.x_title, nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "category", data: data.likelihood, name: data.y_title, nameLocation: "middle", nameGap: 32 },
      visualMap: { min: 0, max: top, show: false, inRange: { color: ["#f8f9fa", "#ffc107", "#dc3545"] } },
      series: [{ type: "heatmap", data: data.cells, label: { show: true } }],
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  });
})();
