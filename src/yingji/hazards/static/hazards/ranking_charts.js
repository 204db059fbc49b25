// The ranking page's charts, drawn from the figures the page embeds (json_script
// "chart-data", indexes.chart_data): found and closed by month, and the children's
// composite index as bars, best on top. Region names are data: the tooltips are drawn
// on the canvas (renderMode "richText"), not as HTML, and no formatter builds markup.
(function () {
  var node = document.getElementById("chart-data");
  if (!node || typeof echarts === "undefined") return;
  var data = JSON.parse(node.textContent);

  var months = echarts.init(document.getElementById("chart-months"));
  months.setOption({
    tooltip: {trigger: "axis", renderMode: "richText"},
    legend: {data: ["发现隐患", "已整改"]},
    grid: {left: 60, right: 20, bottom: 30},
    xAxis: {type: "category", data: data.months.map(function (m) { return m.month; })},
    yAxis: {type: "value", minInterval: 1},
    series: [
      {name: "发现隐患", type: "bar", data: data.months.map(function (m) { return m.found; })},
      {name: "已整改", type: "bar", data: data.months.map(function (m) { return m.closed; })}
    ]
  });

  var ranked = data.ranking.slice().reverse();  // bars are drawn bottom-up
  var rankingEl = document.getElementById("chart-ranking");
  rankingEl.style.height = (ranked.length * 24) + "px";  // 24 px a row (min-height in the CSS)
  var ranking = echarts.init(rankingEl);
  ranking.setOption({
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, renderMode: "richText"},
    grid: {left: 140, right: 40, top: 10, bottom: 30},
    xAxis: {type: "value", min: 0, max: 100},
    yAxis: {type: "category", data: ranked.map(function (i) { return i.name; })},
    series: [{name: "综合指数", type: "bar", data: ranked.map(function (i) { return i.index; }),
              label: {show: true, position: "right"}}]
  });

  window.addEventListener("resize", function () { months.resize(); ranking.resize(); });
})();
