// hospnet agent pages: copy the answer as plain text, take the caller's position from the device,
// and draw the answer's hospitals on a Leaflet map (markers need no tiles: without a tile URL the map
// is grey and the markers still show).
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Fallback for plain-http intranet pages: select a hidden textarea and copy it.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  function setUpCopy() {
    document.querySelectorAll("button.copy-button").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.querySelector(button.getAttribute("data-copy"));
        var status = button.parentNode.querySelector(".copied");
        if (!source) return;
        copyText(source.value || source.textContent).then(function () {
          if (status) { status.textContent = "已复制，可粘贴到工单"; status.hidden = false; }
        }, function () {
          // Could not reach the clipboard: open the text, selected, for Ctrl-C.
          var details = source.closest("details");
          if (details) details.open = true;
          source.focus();
          source.select();
          if (status) { status.textContent = "请按 Ctrl+C 复制已选中的文本"; status.hidden = false; }
        });
      });
    });
  }

  function setUpLocate() {
    var button = document.getElementById("locate");
    if (!button) return;
    if (!navigator.geolocation) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("lat").value = pos.coords.latitude.toFixed(5);
        document.getElementById("lon").value = pos.coords.longitude.toFixed(5);
      }, function () {
        button.textContent = "无法取得本机位置";
      }, { timeout: 10000 });
    });
  }

  var COLORS = { eligible: "#1e7d3a", likely: "#8a6d00", unknown: "#5b6673", not_eligible: "#b42318" };

  function setUpMap() {
    var el = document.getElementById("map");
    if (!el || typeof L === "undefined") return;
    var points = JSON.parse(el.getAttribute("data-points") || "[]");
    if (!points.length) { el.hidden = true; return; }
    var tiles = el.getAttribute("data-tiles");
    var map = L.map(el, { scrollWheelZoom: false, attributionControl: Boolean(tiles) });
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 18, attribution: el.getAttribute("data-attribution") || "" }).addTo(map);
    }
    var bounds = [];
    var hospitals = 0;
    points.forEach(function (p) {
      if (p.origin) {
        // Where distances start (the caller's point, or the centre of the place asked about).
        L.circleMarker([p.lat, p.lon], {
          radius: 7, color: "#1d2733", weight: 3, fillColor: "#fff", fillOpacity: 1, className: "origin-marker"
        }).addTo(map).bindTooltip(p.name, { className: "marker-label" });
        bounds.push([p.lat, p.lon]);
        return;
      }
      hospitals += 1;
      var marker = L.circleMarker([p.lat, p.lon], {
        radius: 9, color: "#fff", weight: 2, fillOpacity: 0.9, fillColor: COLORS[p.verdict] || "#1f5f8b",
        className: "hospital-marker"
      }).addTo(map);
      marker.bindTooltip((p.n ? p.n + ". " : "") + p.name, { className: "marker-label" });
      if (p.id) {
        marker.on("click", function () { window.location.href = "/hospital/" + p.id; });
      }
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length === 1) { map.setView(bounds[0], 12); } else { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 }); }
    el.setAttribute("data-markers", String(hospitals));
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpCopy();
    setUpLocate();
    setUpMap();
  });
})();
