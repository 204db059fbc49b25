// The leader's position from the phone (navigator.geolocation) into the arrival form's
// lat/lon inputs; typed by hand where the phone gives none. Text only, no HTML.
(function () {
  "use strict";
  var form = document.getElementById("dispatch-step-form");
  if (!form) { return; }
  var lat = form.querySelector("input[name=lat]");
  var lon = form.querySelector("input[name=lon]");
  var status = document.getElementById("position-status");
  if (!lat || !lon || !status) { return; }
  function say(text) { status.textContent = text; }
  if (!navigator.geolocation) { say(status.dataset.none); return; }
  say(status.dataset.waiting);
  navigator.geolocation.getCurrentPosition(function (pos) {
    lat.value = pos.coords.latitude.toFixed(6);
    lon.value = pos.coords.longitude.toFixed(6);
    say(status.dataset.found + " " + lat.value + ", " + lon.value);
  }, function () {
    say(status.dataset.none);
  }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
}());
