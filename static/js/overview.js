// The overview page's chart (enterprises/overview.html): bars of producing and suspended
// enterprises and a line of key-sector ones per unit, read from the page's own table. The
// series names come translated in the chart element's data-* attributes.
(function () {
  "use strict";
  const element = document.getElementById("overview-chart");
  if (!element || !window.echarts) return;
  const rows = [...document.querySelectorAll("#overview-table tbody tr")]
    .map(function (tr) { return [...tr.children].map(function (td) { return td.textContent.trim(); }); });
  const chart = window.echarts.init(element);
  chart.setOption({
    tooltip: {trigger: "axis", renderMode: "richText"}, legend: {},  // richText: the HTML tooltip uses style attributes
    grid: {left: 40, right: 10, bottom: 60},
    xAxis: {type: "category", data: rows.map(function (r) { return r[0]; }), axisLabel: {rotate: 30}},
    yAxis: {type: "value"},
    series: [
      {name: element.dataset.producing, type: "bar", stack: "t", data: rows.map(function (r) { return +r[2]; })},
      {name: element.dataset.suspended, type: "bar", stack: "t", data: rows.map(function (r) { return +r[3]; })},
      {name: element.dataset.keySector, type: "line", data: rows.map(function (r) { return +r[4]; })},
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
