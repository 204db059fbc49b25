/* The one map (一图展现): the region outlines as the base (no tiles unless the server names
 * a tile URL: intranets have no internet), and each switched-on layer fetched from
 * /api/map/layers/{name}?bbox=…&zoom=… whenever the map moves and every 30 seconds.
 * Clusters (properties.cluster) are circles with their count; everything else a marker or
 * an area in the feature's colour. Names and figures reach the page only as text
 * (yingji.text, yingji.lines, textContent), never as HTML. */
(function () {
  "use strict";
  var el = document.getElementById("command-map");
  if (!el || !window.L || !window.yingji) { return; }
  var d = el.dataset;
  var text = window.yingji.text;
  var lines = window.yingji.lines;
  var map = yingji.map(el, { attributionControl: false, zoomSnap: 0.25 });
  map.setView([29.2, 120.5], 7); // Zhejiang
  if (d.tiles) { L.tileLayer(d.tiles, { maxZoom: 18 }).addTo(map); }

  var words = {};
  document.querySelectorAll("[data-words] [data-word]").forEach(function (w) {
    words[w.getAttribute("data-word")] = w.textContent;
  });
  var statusEl = document.querySelector("[data-map-status]");
  var groups = {};   // layer name -> L.layerGroup
  var seq = {};      // layer name -> number of the latest request (older answers are dropped)
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-layer]"));

  fetch(d.outlines, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (g) {
    var base = L.geoJSON(g, {
      style: { color: "#35507a", weight: 1, fillColor: "#dfe7f2", fillOpacity: d.tiles ? 0.05 : 0.5 },
      interactive: false
    }).addTo(map);
    base.bringToBack();
  }).catch(function () { /* the layers still show without outlines */ });

  function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }

  function bbox() {
    var b = map.getBounds();
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
            clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
      .map(function (v) { return v.toFixed(5); }).join(",");
  }

  function summary(p) {
    var out = [];
    if (p.region_name) { out.push(p.region_name); }
    if (p.level_name) { out.push(p.level_name); }
    if (p.state_name) { out.push(p.state_name); }
    if (p.type) { out.push(p.type); }
    if (p.planned !== undefined) {
      out.push(words.planned + " " + p.planned + " · " + words.moved + " " + p.moved);
    }
    if (p.capacity !== undefined) { out.push(words.occupancy + " " + p.occupancy + " / " + p.capacity); }
    if (p.deadline) { out.push(words.deadline + " " + p.deadline + (p.overdue ? " · " + words.overdue : "")); }
    if (p.max_depth_m !== undefined && p.max_depth_m !== null) {
      out.push(words.max_depth + " " + Number(p.max_depth_m).toFixed(2));
    }
    if (p.finished_at) { out.push(words.finished + " " + p.finished_at.slice(0, 16).replace("T", " ")); }
    if (p.drill) { out.push(words.drill); }
    return out;
  }

  function tooltipOf(p) {
    return lines([text(p.label, "strong")].concat(summary(p)));
  }

  function clusterMarker(f) {
    var n = f.properties.count;
    var ll = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
    var m = L.circleMarker(ll, { radius: Math.min(28, 10 + 4 * Math.log10(n + 1) * 2), weight: 2, color: "#fff",
                                 fillColor: "#35507a", fillOpacity: 0.85 });
    m.bindTooltip(text(String(n)), { permanent: true, direction: "center", className: "cluster-label" });
    m.on("click", function () { map.setView(ll, Math.min(map.getZoom() + 2, 18)); });
    m.on("mouseover", function () { m.setStyle({ fillColor: "#1d2733" }); });
    m.on("mouseout", function () { m.setStyle({ fillColor: "#35507a" }); });
    return m;
  }

  function draw(name, geometry, data) {
    var group = groups[name];
    group.clearLayers();
    data.features.forEach(function (f) {
      var p = f.properties || {};
      if (p.cluster) { clusterMarker(f).addTo(group); return; }
      var colour = p.colour || "#35507a";
      var layer = L.geoJSON(f, {
        style: { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.3 },
        pointToLayer: function (feature, ll) {
          return L.circleMarker(ll, { radius: geometry === "area" ? 10 : 6, weight: 1, color: "#333",
                                      fillColor: colour, fillOpacity: 0.9 });
        }
      });
      layer.bindTooltip(tooltipOf(p), { sticky: geometry === "area" });
      layer.addTo(group);
    });
    if (geometry === "area") { group.eachLayer(function (l) { if (l.bringToBack) { l.bringToBack(); } }); }
    var count = document.querySelector('[data-count-for="' + name + '"]');
    if (count) { count.textContent = data.clustered ? data.total + " · " + words.clustered : String(data.total); }
  }

  function load(box) {
    var name = box.getAttribute("data-layer");
    var geometry = box.getAttribute("data-geometry");
    if (!groups[name]) { groups[name] = L.layerGroup(); }
    if (!box.checked) { map.removeLayer(groups[name]); return Promise.resolve(); }
    groups[name].addTo(map);
    var mine = (seq[name] || 0) + 1;
    seq[name] = mine;
    var url = d.api + encodeURIComponent(name) + "?bbox=" + encodeURIComponent(bbox()) +
      "&zoom=" + Math.max(0, Math.min(22, Math.round(map.getZoom())));
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        if (seq[name] !== mine) { return; } // an answer to an older viewport
        draw(name, geometry, data);
        if (statusEl) { statusEl.textContent = words.updated + " " + new Date().toLocaleTimeString(); }
      })
      .catch(function () { if (statusEl) { statusEl.textContent = words.failed; } });
  }

  // One request at a time, layer after layer: an open map (a duty room may have twenty)
  // never sends the server a burst; a move during a round asks for one more round.
  var running = false;
  var again = false;
  function loadAll() {
    if (running) { again = true; return; }
    running = true;
    var i = 0;
    (function next() {
      if (i >= boxes.length) {
        running = false;
        if (again) { again = false; loadAll(); }
        return;
      }
      load(boxes[i++]).then(next, next);
    }());
  }

  var timer = null;
  map.on("moveend", function () {
    clearTimeout(timer);
    timer = setTimeout(loadAll, 250); // one round of requests after a drag or a zoom
  });
  boxes.forEach(function (box) { box.addEventListener("change", function () { load(box); }); });
  loadAll();
  setInterval(loadAll, Math.max(parseInt(d.refresh, 10) || 30, 10) * 1000);
  el.setAttribute("data-ready", "1");
}());
