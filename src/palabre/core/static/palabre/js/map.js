/* Idea locations with Leaflet: pick a point on the idea form, show it on the idea page.
   Progressive enhancement: without JavaScript or tiles, the address field does the job. */
(function () {
  "use strict";
  if (!window.L) { return; }

  function makeMap(el) {
    var d = el.dataset;
    var map = L.map(el, { scrollWheelZoom: false }).setView([+d.lat, +d.lon], +d.zoom);
    L.tileLayer(d.tiles, { attribution: d.attribution, maxZoom: 19 }).addTo(map);
    el.hidden = false;
    return map;
  }

  document.querySelectorAll("[data-map-picker]").forEach(function (el) {
    var form = el.closest("form");
    var lat = form.querySelector("input[name=latitude]");
    var lon = form.querySelector("input[name=longitude]");
    var clear = el.parentNode.querySelector("[data-map-clear]");
    var map = makeMap(el);
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (clear) { clear.hidden = false; }
    }
    if (lat.value && lon.value) { place(L.latLng(+lat.value, +lon.value)); map.setView(marker.getLatLng(), 16); }
    map.on("click", function (event) { place(event.latlng); });
    if (clear) {
      clear.addEventListener("click", function () {
        if (marker) { map.removeLayer(marker); marker = null; }
        lat.value = ""; lon.value = ""; clear.hidden = true;
      });
    }
  });

  document.querySelectorAll("[data-map-point]").forEach(function (el) {
    var map = makeMap(el);
    L.marker([+el.dataset.lat, +el.dataset.lon]).addTo(map);
  });
})();
