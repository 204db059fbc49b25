// The three rates by region as bars, drawn from the figures the page embeds
// (json_script "video-rates-data"). Region names are data: tooltips render on the
// canvas (renderMode "richText"), no formatter builds markup, nothing goes through innerHTML.
(function () {
  var node = document.getElementById("video-rates-data");
  var el = document.getElementById("video-rates-chart");
  if (!node || !el || typeof echarts === "undefined") return;
  var data = JSON.parse(node.textContent);
  var rows = data.rows || [], names = data.labels || {};
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis", renderMode: "richText"},
    legend: {data: [names.connection, names.response, names.quality]},
    grid: {left: 40, right: 10, bottom: 70},
    xAxis: {type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: {rotate: 30}},
    yAxis: {type: "value", min: 0, max: 100},
    series: ["connection", "response", "quality"].map(function (key) {
      return {name: names[key], type: "bar", data: rows.map(function (r) { return r[key]; })};
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
