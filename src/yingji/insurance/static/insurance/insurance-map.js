/* The insurance map: the trigger circle (L.circle, radius in metres), the tracks of the
 * triggering storms coloured by force, the live storm and its naive projection, on a
 * blank background with the Zhejiang city outlines (no tiles unless the server names a
 * tile URL: intranets have no internet). Data comes from the JSON script
 * #insurance-map-data; no inline script. Storm names are typed by officers: every label
 * is an element holding text (yingji.text), never an HTML string. */
(function () {
  "use strict";
  var el = document.getElementById("insurance-map");
  var dataEl = document.getElementById("insurance-map-data");
  if (!el || !dataEl || !window.L || !window.yingji) { return; }
  var text = window.yingji.text;
  var data = JSON.parse(dataEl.textContent);
  var colours = data.colours || {};
  function colour(force) {
    if (force === null || force === undefined || force < 12) { return colours.below || "#9aa5b1"; }
    return colours[String(Math.min(force, 17))];
  }
  var map = yingji.map(el, { attributionControl: false, zoomSnap: 0.25 });
  if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map); }
  map.setView([28.65, 121.1], 7); // before adding layers: Leaflet adds them once it has a view
  var bounds = L.latLngBounds([]);

  data.circles.forEach(function (c) {
    var circle = L.circle([c.lat, c.lon], { radius: c.radius_m, color: "#c0392b", weight: 2, fillOpacity: 0.05 })
      .bindTooltip(text(c.label)).addTo(map);  // an element built with textContent, never HTML
    bounds.extend(circle.getBounds());
  });

  data.tracks.forEach(function (t) {
    var pts = t.points;
    for (var i = 0; i + 1 < pts.length; i++) {
      L.polyline([[pts[i][0], pts[i][1]], [pts[i + 1][0], pts[i + 1][1]]],
        { color: colour(pts[i][2]), weight: t.live ? 4 : 3, dashArray: null }).addTo(map);
    }
    pts.forEach(function (p) {
      L.circleMarker([p[0], p[1]], { radius: 3, color: colour(p[2]), fillOpacity: 1, weight: 1 })
        .bindTooltip(text((t.name || t.code) + " " + p[3] + (p[2] !== null ? "，" + p[2] + " 级" : ""))).addTo(map);  // an element built with textContent, never HTML
    });
    if (pts.length) {
      var last = pts[pts.length - 1];
      L.marker([last[0], last[1]], {
        icon: L.divIcon({ className: "track-label", html: "", iconSize: [0, 0] }), interactive: false
      }).addTo(map).bindTooltip(text((t.live ? "实时 " : "") + (t.name || t.code)), { permanent: t.live, direction: "right" });  // an element built with textContent, never HTML
      if (!data.circles.length) { pts.forEach(function (p) { bounds.extend([p[0], p[1]]); }); }
    }
  });

  data.projections.forEach(function (p) {
    var line = [p.from].concat(p.points.map(function (q) { return [q[0], q[1]]; }));
    L.polyline(line, { color: "#555", weight: 2, dashArray: "6 6" })
      .bindTooltip(text("简单线性外推（非预报）")).addTo(map);  // an element built with textContent, never HTML
    p.points.forEach(function (q) {
      L.circleMarker([q[0], q[1]], { radius: 3, color: "#555", fillOpacity: 0.3, weight: 1 })
        .bindTooltip(text("+" + q[2] + " 小时（线性外推）")).addTo(map);  // an element built with textContent, never HTML
    });
  });

  fetch(el.dataset.outlines, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (geojson) {
      var cities = L.geoJSON(geojson, {
        style: { color: "#35507a", weight: 1, fillColor: "#dfe7f2", fillOpacity: el.dataset.tiles ? 0.1 : 0.6 },
        interactive: false
      }).addTo(map);
      cities.bringToBack();
      var pad = data.circles.length ? 0.6 : 0.05; // around the circle: room for the approach
      map.fitBounds(bounds.isValid() ? bounds.pad(pad) : cities.getBounds(), { animate: false });
      el.setAttribute("data-ready", "1");
    })
    .catch(function () {
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.6), { animate: false }); }
      el.setAttribute("data-ready", "error");
    });
}());
