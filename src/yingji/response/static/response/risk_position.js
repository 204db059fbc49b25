// The reporter's position from the browser (navigator.geolocation) into the state
// form's hidden lat/lon fields; the report goes without it when it is refused.
(function () {
  "use strict";
  var form = document.getElementById("risk-state-form");
  if (!form) { return; }
  var lat = form.querySelector("input[name=lat]");
  var lon = form.querySelector("input[name=lon]");
  var status = document.getElementById("position-status");
  function say(text) { if (status) { status.textContent = text; } }
  if (!navigator.geolocation || !lat || !lon) { say(status ? status.dataset.none : ""); return; }
  say(status.dataset.waiting);
  navigator.geolocation.getCurrentPosition(function (pos) {
    lat.value = pos.coords.latitude.toFixed(6);
    lon.value = pos.coords.longitude.toFixed(6);
    say(status.dataset.found + " " + lat.value + ", " + lon.value);
  }, function () {
    say(status.dataset.none);
  }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
}());
