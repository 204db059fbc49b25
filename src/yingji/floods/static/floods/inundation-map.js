/* An inundation run's map: one result layer (max depth, arrival time or duration)
 * as an L.imageOverlay over the run's lon/lat bounds, and the affected places as
 * markers. Blank background unless tiles are configured: intranets have no internet.
 * Everything comes from data- attributes; no inline script. Risk-point names are typed
 * by officers: the tooltips hold them as text (yingji.text), never as HTML. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L || !window.yingji) { return; }
  var b = el.dataset.bounds.split(",").map(parseFloat);
  var bounds = L.latLngBounds([b[0], b[1]], [b[2], b[3]]);
  var map = yingji.map(el, { attributionControl: false, zoomSnap: 0.25 });
  map.fitBounds(bounds, { padding: [8, 8], animate: false });
  L.rectangle(bounds, { color: "#35507a", weight: 1, fill: false, interactive: false }).addTo(map);
  var overlay = null;
  function show(name) {
    if (overlay) { map.removeLayer(overlay); }
    overlay = L.imageOverlay(el.dataset.layerUrl.replace("NAME", name), bounds, { opacity: 0.85 }).addTo(map);
    document.querySelectorAll(".legend").forEach(function (ul) { ul.hidden = ul.dataset.layer !== name; });
  }
  document.querySelectorAll("input[name=layer]").forEach(function (input) {
    input.addEventListener("change", function () { if (input.checked) { show(input.value); } });
  });
  var checked = document.querySelector("input[name=layer]:checked");
  show(checked ? checked.value : "max_depth");
  document.querySelectorAll("#affected-points li").forEach(function (li) {
    var d = li.dataset;
    var icon = L.divIcon({ className: "affected-marker", iconSize: [14, 14] });
    L.marker([parseFloat(d.lat), parseFloat(d.lng)], { icon: icon, title: d.name, alt: d.name })
      .bindTooltip(window.yingji.text(d.name + "：" + d.depth + " 米，" + d.arrival + " 到达"))  // an element built with textContent, never HTML
      .addTo(map);
  });
  el.setAttribute("data-ready", "1");
}());
