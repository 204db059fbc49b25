/* The map of a response: the city outlines, those of the area filled with the level's
 * colour, and one circle per region with tasks (green when all are confirmed, red
 * when any was escalated, the level's colour while waiting), the shelters (squares,
 * darker as they fill) and the risk points still uncontrolled (small red dots). Data from data-url;
 * region names reach the page only as text (yingji.text, textContent), never HTML. */
(function () {
  "use strict";
  var el = document.getElementById("level-map");
  if (!el || !window.L || !window.yingji) { return; }
  var d = el.dataset;
  var text = window.yingji.text;
  var map = yingji.map(el, { attributionControl: false, zoomSnap: 0.25 });
  map.setView([28.6, 121.2], 8);
  if (d.tiles) { L.tileLayer(d.tiles, { maxZoom: 18 }).addTo(map); }

  function inArea(code, areas) {
    return areas.some(function (a) { return code.indexOf(a) === 0 || a.indexOf(code) === 0; });
  }

  function colourOf(r, level) {
    if (r.total && r.confirmed === r.total) { return "#2e9d4a"; }
    if (r.escalated) { return "#d2332d"; }
    return level;
  }

  var markers = L.layerGroup().addTo(map);
  var outlined = false;

  function counts(totals) {
    Object.keys(totals || {}).forEach(function (key) {
      document.querySelectorAll('[data-count="' + key + '"]').forEach(function (e) { e.textContent = String(totals[key]); });
    });
  }

  function draw(data) {
    var points = [];
    counts(data.totals);
    if (d.outlines && !outlined) {
      outlined = true;
      fetch(d.outlines, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (g) {
        var layer = L.geoJSON(g, {
          style: function (f) {
            var hit = inArea(String(f.properties.code), data.areas);
            return { color: "#35507a", weight: 1, fillColor: hit ? data.colour : "#dfe7f2",
                     fillOpacity: hit ? 0.35 : 0.3 };
          },
          interactive: false
        }).addTo(map);
        layer.bringToBack();
        if (!points.length) {
          var hits = L.featureGroup();
          layer.eachLayer(function (l) { if (inArea(String(l.feature.properties.code), data.areas)) { hits.addLayer(L.geoJSON(l.feature)); } });
          if (hits.getLayers().length) { map.fitBounds(hits.getBounds(), { animate: false }); }
        }
      }).catch(function () { /* the regions still show without outlines */ });
    }
    markers.clearLayers();
    data.regions.forEach(function (r) {
      if (r.lat === null || r.lon === null) { return; }
      var ll = L.latLng(r.lat, r.lon);
      points.push(ll);
      L.circleMarker(ll, { radius: 7, weight: 1, color: "#333", fillColor: colourOf(r, data.colour), fillOpacity: 0.9 })
        .bindTooltip(text((r.full_name || r.code) + " " + r.confirmed + "/" + r.total)).addTo(markers);
    });
    (data.shelters || []).forEach(function (s) {
      var full = s.capacity ? Math.min(s.occupancy / s.capacity, 1) : 1;
      L.circleMarker([s.lat, s.lon], { radius: 6, weight: 2, color: "#1d4f91", fillColor: "#1d4f91",
                                       fillOpacity: 0.15 + 0.75 * full, className: "map-shelter" })
        .bindTooltip(text(s.name + " " + s.occupancy + "/" + s.capacity)).addTo(markers);
    });
    (data.uncontrolled || []).forEach(function (p) {
      L.circleMarker([p.lat, p.lon], { radius: 4, weight: 1, color: "#7a1712", fillColor: "#d2332d", fillOpacity: 0.9,
                                       className: "map-uncontrolled" })
        .bindTooltip(text(p.kind + " " + p.name)).addTo(markers);
    });
    if (points.length && !fitted) {
      fitted = true; map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 12, animate: false }); }
  }

  var fitted = false;
  function load() {
    fetch(d.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(draw)
      .catch(function () { /* the next poll tries again */ });
  }
  load();
  // Counted live: confirmations arrive from phones while the page is open.
  if (d.poll) { setInterval(load, Math.max(parseInt(d.poll, 10) || 15, 5) * 1000); }
}());
