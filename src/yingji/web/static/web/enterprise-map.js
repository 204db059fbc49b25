/* The enterprise map: the city outline and one marker on a blank background (no
 * tiles unless the server names a tile URL, since intranets have no internet).
 * Everything it needs comes from data- attributes of #map; no inline script. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var d = el.dataset;
  var map = yingji.map(el, { attributionControl: false, zoomSnap: 0.25 });
  if (d.tiles) {
    L.tileLayer(d.tiles, { maxZoom: 18 }).addTo(map);
  }
  var point = d.lat ? L.latLng(parseFloat(d.lat), parseFloat(d.lng)) : null;
  if (point) {
    map.setView(point, 12); // before adding layers: Leaflet adds them once it has a view
    // A coloured dot rather than Leaflet's image icon: the colour is the risk grade,
    // and no image path has to survive static-file hashing.
    var icon = L.divIcon({ className: "risk-marker risk-" + d.risk, iconSize: [18, 18] });
    var marker = L.marker(point, { icon: icon, title: d.name, alt: d.name }).addTo(map);
    marker.getElement().style.background = d.colour;
  }
  fetch(d.outlines, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (geojson) {
      var city = L.geoJSON(geojson, {
        filter: function (f) { return f.properties.code === d.city; },
        style: { color: "#35507a", weight: 2, fillColor: "#dfe7f2", fillOpacity: d.tiles ? 0.1 : 0.6 },
        interactive: false
      }).addTo(map);
      city.bringToBack();
      if (city.getLayers().length) {
        map.fitBounds(city.getBounds(), { padding: [8, 8], animate: false });
      } else if (!point) {
        map.setView([29.2, 120.5], 7); // Zhejiang, when the city is unknown
      }
      el.setAttribute("data-ready", "1");
    })
    .catch(function () {
      if (!point) { map.setView([29.2, 120.5], 7); }
      el.setAttribute("data-ready", "error");
    });
}());
