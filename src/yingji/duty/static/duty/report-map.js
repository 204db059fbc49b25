/* The report form's optional map point: tap the map to fill latitude and longitude
 * (a blank background with the city outlines unless the server names a tile URL).
 * No inline script; data comes from data- attributes. */
(function () {
  "use strict";
  var el = document.getElementById("report-map");
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  if (!el || !window.L || !lat || !lon) { return; }
  var map = yingji.map(el, { attributionControl: false });
  if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map); }
  var marker = null;
  function place(point) {
    if (marker) { marker.setLatLng(point); } else {
      marker = L.circleMarker(point, { radius: 8, color: "#d9001b", fillOpacity: 0.8 }).addTo(map);
    }
  }
  var start = lat.value && lon.value ? L.latLng(parseFloat(lat.value), parseFloat(lon.value)) : null;
  map.setView(start || L.latLng(28.66, 121.42), start ? 12 : 9);
  if (start) { place(start); }
  map.on("click", function (e) {
    lat.value = e.latlng.lat.toFixed(6);
    lon.value = e.latlng.lng.toFixed(6);
    place(e.latlng);
  });
  fetch(el.dataset.outlines, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (geojson) {
      L.geoJSON(geojson, { style: { color: "#35507a", weight: 1, fillOpacity: 0.05 }, interactive: false }).addTo(map);
    })
    .catch(function () { /* the outline is decoration */ });
})();
