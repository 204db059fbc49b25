/* The rescue stations' map: each station's 15-minute area as a circle (radius in
 * metres from the server), the villages outside every area as red dots. Data from
 * data-url; names reach the page only as text (yingji.text), never HTML. */
(function () {
  "use strict";
  var el = document.getElementById("station-map");
  if (!el || !window.L || !window.yingji) { return; }
  var d = el.dataset;
  var text = window.yingji.text;
  var map = yingji.map(el, { attributionControl: false, zoomSnap: 0.25 });
  map.setView([28.6, 121.2], 8);
  if (d.tiles) { L.tileLayer(d.tiles, { maxZoom: 18 }).addTo(map); }
  if (d.outlines) {
    fetch(d.outlines, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (g) {
      L.geoJSON(g, { style: { color: "#35507a", weight: 1, fillColor: "#dfe7f2", fillOpacity: 0.3 },
                     interactive: false }).addTo(map).bringToBack();
    }).catch(function () { /* the stations still show without outlines */ });
  }
  fetch(d.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    var points = [];
    data.stations.forEach(function (s) {
      var ll = L.latLng(s.lat, s.lon);
      points.push(ll);
      L.circle(ll, { radius: s.radius, color: s.active ? "#2e7d32" : "#888", weight: 1, fillOpacity: 0.12 })
        .addTo(map);
      L.circleMarker(ll, { radius: 6, weight: 1, color: "#1b5e20", fillColor: "#2e7d32", fillOpacity: 1 })
        .bindTooltip(text(s.name + " · " + Math.round(s.radius) + " m")).addTo(map);
    });
    data.outside.forEach(function (v) {
      var ll = L.latLng(v.lat, v.lon);
      points.push(ll);
      L.circleMarker(ll, { radius: 5, weight: 1, color: "#8b0000", fillColor: "#d2332d", fillOpacity: 0.9 })
        .bindTooltip(text(v.name + (v.distance !== null ? " · " + v.distance + " m" : ""))).addTo(map);
    });
    if (points.length) { map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 12, animate: false }); }
  }).catch(function () { /* the tables below still list everything */ });
}());
