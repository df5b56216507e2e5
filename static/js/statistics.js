// The statistics page's and the dashboard's charts (portal/assessments), drawn from the page's
// json_script block #statistics-data into each element [data-chart]: "bars" (a figure by unit),
// "compare" (last quarter and this one by unit), "trend" (a line per unit over the frozen
// quarters), "ranks" (the user's unit's rank per figure over them). A chart is drawn when it
// scrolls into view: a namespace has a dozen figures. No inline script or style (CSP): the
// tooltips are rich text, not HTML with style attributes.
(function () {
  "use strict";
  const source = document.getElementById("statistics-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const charts = [];

  function byName(figures, name) {
    return (figures || []).find(function (f) { return f.name === name; });
  }
  function unitAxis(units) {
    return {type: "category", data: units, axisLabel: {rotate: units.length > 6 ? 30 : 0, interval: 0}};
  }
  const base = {tooltip: {trigger: "axis", renderMode: "richText"}, grid: {left: 50, right: 16, bottom: 70, top: 36}};

  function option(kind, name, element) {
    if (kind === "bars" && data.bars) {
      const f = byName(data.bars.figures, name);
      if (!f) return null;
      return Object.assign({}, base, {xAxis: unitAxis(data.bars.units), yAxis: {type: "value", name: f.unit},
        series: [{name: f.label, type: "bar", data: f.values, label: {show: data.bars.units.length <= 15, position: "top"}}]});
    }
    if (kind === "compare" && data.compare) {
      const f = byName(data.compare.figures, name);
      if (!f) return null;
      return Object.assign({}, base, {legend: {}, xAxis: unitAxis(data.compare.units), yAxis: {type: "value", name: f.unit},
        series: data.compare.series.map(function (s, i) { return {name: s.label, type: "bar", data: f.values[i]}; })});
    }
    if (kind === "trend" && data.trend) {
      const f = byName(data.trend.figures, name);
      if (!f) return null;
      return Object.assign({}, base, {legend: {type: "scroll"}, xAxis: {type: "category", data: data.trend.periods},
        yAxis: {type: "value", name: f.unit},
        series: f.lines.map(function (l) { return {name: l.unit, type: "line", data: l.values, connectNulls: false}; })});
    }
    if (kind === "ranks" && data.ranks) {
      return Object.assign({}, base, {legend: {type: "scroll"}, xAxis: {type: "category", data: data.ranks.periods},
        yAxis: {type: "value", inverse: true, minInterval: 1, min: 1, name: element.dataset.label},
        series: data.ranks.figures.map(function (f) { return {name: f.label, type: "line", data: f.values}; })});
    }
    return null;
  }

  function draw(element) {
    const chosen = option(element.dataset.chart, element.dataset.figure, element);
    if (!chosen) return;
    const chart = window.echarts.init(element);
    chart.setOption(chosen);
    element.dataset.drawn = "true";
    charts.push(chart);
  }

  const elements = document.querySelectorAll("[data-chart]");
  if ("IntersectionObserver" in window) {
    const observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); draw(entry.target); }
      });
    }, {rootMargin: "200px"});
    elements.forEach(function (element) { observer.observe(element); });
  } else {
    elements.forEach(draw);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
