// Accident charts, drawn from the figures the page embeds (json_script
// "accident-chart-data"): accidents and deaths by month, and by the chosen grouping.
// The series' names come from the page, translated, as the chart element's
// data-accidents and data-deaths attributes.
// Names are data: tooltips render on the canvas (renderMode "richText"), no formatter
// builds markup, nothing goes through innerHTML.
(function () {
  var node = document.getElementById("accident-chart-data");
  if (!node || typeof echarts === "undefined") return;
  var data = JSON.parse(node.textContent);
  var charts = [];

  function bars(id, labels, accidents, deaths, rotate) {
    var el = document.getElementById(id);
    if (!el) return;
    var names = [el.dataset.accidents || "", el.dataset.deaths || ""];
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: {trigger: "axis", renderMode: "richText"},
      legend: {data: names},
      grid: {left: 40, right: 10, bottom: rotate ? 70 : 30},
      xAxis: {type: "category", data: labels, axisLabel: {rotate: rotate ? 40 : 0}},
      yAxis: {type: "value", minInterval: 1},
      series: [{name: names[0], type: "bar", data: accidents},
               {name: names[1], type: "bar", data: deaths}]
    });
    charts.push(chart);
  }

  var months = data.months || [];
  bars("chart-months", months.map(function (m) { return m.month.slice(5); }),
       months.map(function (m) { return m.accidents; }), months.map(function (m) { return m.deaths; }), false);
  var items = (data.items || []).filter(function (i) { return i.accidents > 0 || (data.items.length <= 20); });
  bars("chart-groups", items.map(function (i) { return i.name; }),
       items.map(function (i) { return i.accidents; }), items.map(function (i) { return i.deaths; }), true);

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
