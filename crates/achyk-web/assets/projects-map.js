/* Achyk: the projects list's map over this site's own tiles (see src/tiles.rs).
 *
 * The page carries the map's settings and marks in the data-map attribute of #tile-map and
 * the server-drawn SVG map as its fallback. This script draws the tiled map with Leaflet and
 * only then hides the SVG; if Leaflet is missing or anything fails, the SVG stays.
 * Every tile comes from the URL the page names, on this site: never from another host. */
(function () {
  'use strict';
  var element = document.getElementById('tile-map');
  if (!element || !window.L) {
    return;
  }
  var figure = element.parentNode;
  var settings;
  try {
    settings = JSON.parse(element.getAttribute('data-map'));
  } catch (error) {
    return;
  }
  // Kyrgyzstan, and a margin around it the map may be moved into; tiles outside the margin
  // are never asked for.
  var country = L.latLngBounds(settings.bounds);
  var limits = country.pad(0.1);
  var map = null;
  element.hidden = false;
  try {
    map = L.map(element, {
      minZoom: settings.zooms[0],
      maxZoom: settings.zooms[1],
      maxBounds: limits,
      maxBoundsViscosity: 1,
      // The tiles' credit is in the page, under the map, in the page's language.
      attributionControl: false,
      zoomControl: false
    });
    L.control.zoom({ zoomInTitle: settings.zoomIn, zoomOutTitle: settings.zoomOut }).addTo(map);
    L.tileLayer(settings.tiles, {
      minZoom: settings.zooms[0],
      maxZoom: settings.zooms[1],
      bounds: limits
    }).addTo(map);
    map.fitBounds(country);
    // Every project found, gathered by place as on the SVG map: pale, underneath, not
    // clickable. The mark grows with the count as the SVG's does.
    settings.found.forEach(function (cell) {
      L.circleMarker([cell[1], cell[0]], {
        radius: Math.min(3.5 + 1.17 * Math.log(Math.max(cell[2], 1)), 12),
        className: (cell[3] ? 'pt-alert' : 'pt') + ' map-found',
        interactive: false,
        fillOpacity: 0.45,
        opacity: 0.6
      }).addTo(map);
    });
    // The projects listed on this page, each opening a popup with the link to its page. The
    // same links are in the list under the map, for keyboards and screen readers.
    settings.projects.forEach(function (project) {
      var link = document.createElement('a');
      link.href = project[4];
      link.textContent = project[3];
      L.circleMarker([project[1], project[0]], {
        radius: 7,
        className: (project[2] ? 'pt-alert' : 'pt') + ' map-project',
        fillOpacity: 1
      }).bindPopup(link, { closeButton: false }).addTo(map);
    });
  } catch (error) {
    if (map) {
      map.remove();
    }
    element.hidden = true;
    return;
  }
  Array.prototype.forEach.call(figure.querySelectorAll('.map-fallback'), function (hidden) {
    hidden.hidden = true;
  });
  Array.prototype.forEach.call(figure.querySelectorAll('.tiles-only'), function (shown) {
    shown.hidden = false;
  });
  figure.className += ' tiled';
})();
