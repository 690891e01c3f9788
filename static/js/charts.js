/* Vælg Klogt charts: draws every figure rendered with Django's json_script.
 *
 * Markup (templates/measurements/_chart.html):
 *   <div id="chart-12" class="chart" data-chart-source="chart-12-data"></div>
 *   <script id="chart-12-data" type="application/json">{"data": [...], "layout": {...}}</script>
 * The JSON is a plotly figure built in Python (measurements/charts.py). json_script cannot add attributes to its
 * <script>, so the plot div names its data element. Needs static/vendor/plotly-basic-4.1.1.min.js loaded first.
 * No inline script, no eval.
 */
(function () {
  "use strict";

  var CONFIG = { responsive: true, displayModeBar: false };
  var SELECTOR = "[data-chart-source]";

  function targetsIn(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var found = Array.prototype.slice.call(scope.querySelectorAll(SELECTOR));
    if (scope.matches && scope.matches(SELECTOR)) {
      found.unshift(scope);
    }
    return found;
  }

  function drawOne(target) {
    var source = document.getElementById(target.getAttribute("data-chart-source"));
    if (!source) {
      return;
    }
    var figure;
    try {
      figure = JSON.parse(source.textContent);
    } catch (error) {
      target.textContent = target.getAttribute("data-chart-error") || "Diagrammet kunne ikke vises.";
      return;
    }
    var layout = figure.layout || {};
    layout.separators = ",.";
    if (target.closest("body.board")) {
      // The improvement board is read from across the room.
      layout.font = Object.assign({}, layout.font, { size: 18 });
      layout.legend = Object.assign({}, layout.legend, { font: { size: 18 } });
      // Four charts share one screen: the tiltag labels above the plot would leave the values a sliver of the
      // card. The tiltag markers stay (their text on hover) and the board lists its latest tiltag below the charts;
      // the labels inside the plot (phases, PDSA periods) stay as they are.
      layout.annotations = (layout.annotations || []).filter(function (note) {
        return !(note.yref === "paper" && note.y === 1 && note.yanchor === "bottom");
      });
      layout.annotations.forEach(function (note) {
        note.font = Object.assign({}, note.font, { size: 18 });
      });
      layout.margin = Object.assign({}, layout.margin, { t: 12 });
    }
    try {
      window.Plotly.newPlot(target, figure.data || [], layout, CONFIG);
    } catch (error) {
      // One chart that cannot be drawn (too little room for its margins) must not stop the others.
      target.textContent = target.getAttribute("data-chart-error") || "Diagrammet kunne ikke vises.";
      return;
    }
    target.setAttribute("data-chart-drawn", "true");
  }

  function draw(root, onlyNew) {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    targetsIn(root).forEach(function (target) {
      if (!onlyNew || target.getAttribute("data-chart-drawn") !== "true") {
        drawOne(target);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document, false); });
  } else {
    draw(document, false);
  }
  // Partials swapped in by htmx (chart-type switch, filters, board refresh) redraw their charts. With an outerHTML
  // swap the event's target may be the replaced element, so every chart not drawn yet is drawn.
  document.addEventListener("htmx:afterSettle", function () { draw(document, true); });
})();
