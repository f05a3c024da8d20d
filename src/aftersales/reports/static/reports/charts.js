// Draws every [data-chart] element with ECharts (vendored); a click on a bar or point opens the
// list behind it (the chart's "links"). The data comes from a json_script block, never inline code.
(function () {
  "use strict";
  function draw(el) {
    var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var series;
    if (data.series) {
      series = data.series.map(function (s) {
        return { name: s.name, type: data.type || "line", data: s.values, connectNulls: true };
      });
    } else {
      series = [{ type: data.type || "bar", data: data.values, itemStyle: { color: "#0d6efd" } }];
    }
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: data.series ? { top: 0 } : undefined,
      grid: { left: 48, right: 16, top: data.series ? 32 : 16, bottom: 64 },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: data.labels.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: series,
    });
    chart.on("click", function (params) {
      var link = (data.links || [])[params.dataIndex];
      if (link) { window.location.href = link; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }
  document.querySelectorAll("[data-chart]").forEach(draw);
})();
