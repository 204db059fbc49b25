/* What every page shares, in a file because the Content-Security-Policy runs no inline
 * script: yingji.text() (how the site's scripts put data into the page), confirmation
 * before a form is sent (data-confirm) and "back" links (data-back). Loaded in <head>
 * without defer, so the page scripts at the end of <body> can use yingji.text. */
(function () {
  "use strict";

  /* An element holding `value` as text: names typed by people are never parsed as HTML.
   * Leaflet's bindTooltip and bindPopup take an element and insert it as it is. */
  function text(value, tag, className) {
    var el = document.createElement(tag || "span");
    el.textContent = value === null || value === undefined ? "" : String(value);
    if (className) { el.className = className; }
    return el;
  }

  /* An element of several lines, each a text (for popups: the name, then figures). */
  function lines(values) {
    var el = document.createElement("div");
    values.forEach(function (v, i) {
      if (i) { el.appendChild(document.createElement("br")); }
      el.appendChild(typeof v === "string" ? document.createTextNode(v) : v);
    });
    return el;
  }

  /* A Leaflet map whose zoom buttons speak the page's language (Leaflet's own say
   * "Zoom in" / "Zoom out" in English). Called by the page scripts once Leaflet is loaded. */
  function map(el, options) {
    var zh = (document.documentElement.lang || "zh").toLowerCase().indexOf("zh") === 0;
    var m = window.L.map(el, Object.assign({}, options, { zoomControl: false }));
    window.L.control.zoom({ zoomInTitle: zh ? "放大" : "Zoom in", zoomOutTitle: zh ? "缩小" : "Zoom out" }).addTo(m);
    return m;
  }

  window.yingji = { text: text, lines: lines, map: map };

  // Capture phase: decided before htmx or the browser act on the submit.
  document.addEventListener("submit", function (e) {
    var question = e.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { e.preventDefault(); e.stopPropagation(); }
  }, true);

  document.addEventListener("click", function (e) {
    var back = e.target.closest ? e.target.closest("[data-back]") : null;
    if (back && window.history.length > 1) { e.preventDefault(); window.history.back(); }
  });
}());
