/* The call-up village map on the live board: one circle per village, green when
 * everyone there acknowledged, red when someone is unreached, grey while answers
 * are pending. Data comes from the board's JSON endpoint (data-url) and is re-read
 * every data-poll seconds while the call-up runs, like the htmx board beside it.
 * Villages without a location are listed under the map instead of being dropped.
 * No tiles unless the server names a tile URL (intranets have no internet). Village
 * names can be changed by any county officer: they reach the page only as text
 * (yingji.text, textContent), never as HTML. */
(function () {
  "use strict";
  var el = document.getElementById("callup-map");
  if (!el || !window.L || !window.yingji) { return; }
  var d = el.dataset;
  var COLOURS = { acknowledged: "#2e9d4a", unreached: "#d2332d", pending: "#8c8c8c" };
  var STATUS = { acknowledged: "全部已应答", unreached: "有人未叫应", pending: "待应答" };
  var map = yingji.map(el, { attributionControl: false, zoomSnap: 0.25 });
  map.setView([28.6, 121.2], 9); // Taizhou until the villages are known
  if (d.tiles) { L.tileLayer(d.tiles, { maxZoom: 18 }).addTo(map); }
  var layer = L.layerGroup().addTo(map);
  var fitted = false;

  var text = window.yingji.text;

  function popup(v) {
    return window.yingji.lines([text(v.full_name || v.code, "strong"), STATUS[v.status],
      "应答 " + v.acknowledged + " 人 · 未叫应 " + v.unreached + " 人 · 待应答 " + v.pending + " 人"]);
  }

  function unlocated(villages) {
    var box = document.getElementById("callup-map-unlocated");
    if (!box) { return; }
    var missing = villages.filter(function (v) { return v.lon === null || v.lat === null; });
    box.replaceChildren();
    if (missing.length) { box.appendChild(text("未标注位置的村", "h3")); }
    var ul = document.createElement("ul");
    ul.className = "unlocated";
    missing.forEach(function (v) {
      var li = document.createElement("li");
      li.className = "village-" + v.status;
      li.textContent = (v.full_name || v.code) + "（" + v.code + "）：应答 " + v.acknowledged +
        "，未叫应 " + v.unreached + "，待应答 " + v.pending;
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  function draw(data) {
    layer.clearLayers();
    var points = [];
    data.villages.forEach(function (v) {
      if (v.lon === null || v.lat === null) { return; }
      var ll = L.latLng(v.lat, v.lon);
      points.push(ll);
      L.circleMarker(ll, { radius: 8, weight: 1, color: "#333", fillColor: COLOURS[v.status], fillOpacity: 0.9 })
        .bindPopup(popup(v)).bindTooltip(text(v.name || v.code)).addTo(layer);  // an element built with textContent, never HTML
    });
    if (points.length && !fitted) { // fit once: later refreshes keep the user's view
      map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 13, animate: false });
      fitted = true;
    }
    unlocated(data.villages);
    el.setAttribute("data-ready", "1");
  }

  function load() {
    fetch(d.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(draw)
      .catch(function () { el.setAttribute("data-ready", "error"); });
  }

  if (d.outlines) {
    fetch(d.outlines, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (g) {
      L.geoJSON(g, { style: { color: "#35507a", weight: 1, fillColor: "#dfe7f2", fillOpacity: d.tiles ? 0.1 : 0.5 },
                     interactive: false }).addTo(map).bringToBack();
    }).catch(function () { /* the villages still show without outlines */ });
  }
  load();
  if (d.running) { setInterval(load, Math.max(parseInt(d.poll, 10) || 10, 2) * 1000); }
}());
