/* The cockpit (驾驶舱): fetches GET /api/cockpit every `data-refresh` ms and puts the
 * figures into the page in place (no reload). Every value goes in as text
 * (textContent, yingji.text); chart labels are drawn on the canvas (tooltips in
 * renderMode "richText"), no formatter builds markup. The server renders the same
 * figures first, so the page is whole before the first fetch. */
(function () {
  "use strict";
  var root = document.getElementById("cockpit");
  if (!root || !window.fetch) { return; }
  var labelsNode = document.getElementById("cockpit-labels");
  var L = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var charts = {};
  var COLOURS = { blue: "#3d8bfd", yellow: "#e6c300", orange: "#f08c00", red: "#e5484d",
                  IV: "#3d8bfd", III: "#e6c300", II: "#f08c00", I: "#e5484d" };
  var TEXT = "#d5e2f0";
  var AXIS = { axisLabel: { color: TEXT }, axisLine: { lineStyle: { color: "#4a607a" } },
               splitLine: { lineStyle: { color: "#243447" } } };

  function get(data, path) {
    return path.split(".").reduce(function (v, k) { return v === null || v === undefined ? v : v[k]; }, data);
  }

  function clock(d) {
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map(function (n) { return (n < 10 ? "0" : "") + n; }).join(":");
  }

  function counters(data) {
    root.querySelectorAll("[data-k]").forEach(function (el) {
      var v = get(data, el.getAttribute("data-k"));
      if (v === undefined || v === null) { return; }
      if (el.getAttribute("data-format") === "time") { v = clock(new Date(v)); }
      if (el.textContent !== String(v)) { el.textContent = String(v); }
    });
  }

  function lists(data) {
    root.querySelectorAll("[data-list]").forEach(function (ul) {
      var items = get(data, ul.getAttribute("data-list"));
      if (!Array.isArray(items)) { return; }
      var fields = ul.getAttribute("data-fields").split(" ");
      var tone = ul.getAttribute("data-tone");
      var fresh = document.createDocumentFragment();
      items.forEach(function (item) {
        var li = document.createElement("li");
        if (tone) { li.className = "tone-" + item[tone]; }
        fields.forEach(function (f) { li.appendChild(window.yingji.text(item[f], "span", "f-" + f)); });
        fresh.appendChild(li);
      });
      if (!items.length) { fresh.appendChild(window.yingji.text(ul.getAttribute("data-empty"), "li", "muted")); }
      ul.replaceChildren(fresh);
    });
  }

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el || typeof window.echarts === "undefined") { return; }
    if (!charts[id]) {
      charts[id] = window.echarts.init(el, null, { renderer: "canvas" });
      // The grid changes its columns with the window: each chart follows its own box.
      if (window.ResizeObserver) { new window.ResizeObserver(function () { charts[id].resize(); }).observe(el); }
    }
    option.textStyle = { color: TEXT };
    option.tooltip = option.tooltip || { trigger: "item", renderMode: "richText" };
    option.animation = false;
    charts[id].setOption(option, true);
  }

  function bars(id, names, values, colours) {
    chart(id, {
      grid: { left: 60, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: Object.assign({ type: "category", data: names }, AXIS),
      yAxis: Object.assign({ type: "value", minInterval: 1 }, AXIS),
      series: [{ type: "bar", name: L.count, barMaxWidth: 48,
                 label: { show: true, position: "top", color: TEXT },
                 data: values.map(function (v, i) { return { value: v, itemStyle: { color: colours[i] } }; }) }]
    });
  }

  function share(id, parts) {  // one horizontal bar of parts: answered vs not, confirmed vs not
    chart(id, {
      grid: { left: 8, right: 8, top: 28, bottom: 8 },
      legend: { top: 0, textStyle: { color: TEXT } },
      xAxis: { type: "value", show: false },
      yAxis: { type: "category", show: false, data: [""] },
      series: parts.map(function (p) {
        return { type: "bar", stack: "all", name: p.name, data: [p.value], itemStyle: { color: p.colour },
                 label: { show: p.value > 0, color: "#fff" } };
      })
    });
  }

  function draw(data) {
    var w = data.warnings;
    if (w) {
      chart("ck-chart-warnings", {
        legend: { bottom: 0, textStyle: { color: TEXT } },
        series: [{ type: "pie", radius: ["40%", "70%"], label: { color: TEXT },
                   data: w.by_level.filter(function (r) { return r.count > 0; }).map(function (r) {
                     return { name: r.label, value: r.count, itemStyle: { color: COLOURS[r.level] } };
                   }) }]
      });
    }
    if (data.levels) {
      bars("ck-chart-levels", data.levels.by_grade.map(function (r) { return r.label; }),
           data.levels.by_grade.map(function (r) { return r.count; }),
           data.levels.by_grade.map(function (r) { return COLOURS[r.grade]; }));
    }
    if (data.callups) {
      share("ck-chart-callups", [{ name: L.answered, value: data.callups.answered, colour: "#30a46c" },
                                 { name: L.unanswered, value: data.callups.unanswered, colour: "#e5484d" }]);
    }
    if (data.orders) {
      share("ck-chart-orders", [{ name: L.confirmed, value: data.orders.confirmed, colour: "#30a46c" },
                                { name: L.unconfirmed, value: data.orders.unconfirmed, colour: "#f08c00" }]);
    }
    if (data.evacuation) {
      var e = data.evacuation;
      bars("ck-chart-evacuation", [L.planned, L.moved, L.sheltered, L.returned],
           [e.planned, e.moved, e.sheltered, e.returned], ["#3d8bfd", "#f08c00", "#30a46c", "#8e9aaf"]);
    }
    var h = data.hazards || data.enterprise;
    if (h) {
      bars("ck-chart-hazards", [L.open, L.due_soon, L.overdue], [h.open, h.due_soon, h.overdue],
           ["#3d8bfd", "#e6c300", "#e5484d"]);
    }
  }

  var stale = root.querySelector(".ck-stale");

  function refresh() {
    return window.fetch(root.getAttribute("data-url"), { credentials: "same-origin",
                                                         headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        counters(data); lists(data); draw(data);
        if (stale) { stale.hidden = true; }
        root.setAttribute("data-updated", data.generated_at);
      })
      .catch(function () { if (stale) { stale.hidden = false; } });
  }

  refresh();
  window.setInterval(refresh, Number(root.getAttribute("data-refresh")) || 20000);
  if (!window.ResizeObserver) {
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    });
  }
}());
