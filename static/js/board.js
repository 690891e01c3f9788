/* The ward board (templates/dashboards/board.html): rotate the pages of charts, with a visible pause button.
 *
 * More measures than fit one 1920 × 1080 screen are split into pages ([data-board-page]); one shows at a time and
 * the next follows every data-rotate-seconds. The pause button stops and restarts the rotation (WCAG 2.2.2: moving
 * content that lasts more than five seconds can be paused). The board block is replaced by htmx every few minutes;
 * the page shown and the paused state carry over. A failed refresh (a revoked or expired board link, no network)
 * shows the board's data-refresh-error above the charts. No inline script.
 */
(function () {
  "use strict";

  var state = { page: 1, paused: false };
  var timer = null;

  function board() {
    return document.getElementById("board");
  }

  function pages(root) {
    return Array.prototype.slice.call(root.querySelectorAll("[data-board-page]"));
  }

  function resizeCharts(page) {
    if (!window.Plotly) {
      return;
    }
    page.querySelectorAll("[data-chart-drawn]").forEach(function (chart) {
      window.Plotly.Plots.resize(chart);
    });
  }

  function show(root, number) {
    var all = pages(root);
    if (!all.length) {
      return;
    }
    state.page = ((number - 1 + all.length) % all.length) + 1;
    all.forEach(function (page) {
      var shown = Number(page.getAttribute("data-board-page")) === state.page;
      page.hidden = !shown;
      if (shown) {
        resizeCharts(page);
      }
    });
    var label = root.querySelector("[data-page-number]");
    if (label) {
      label.textContent = String(state.page);
    }
  }

  function renderButton(root) {
    var button = root.querySelector(".board-pause");
    if (!button) {
      return;
    }
    button.setAttribute("aria-pressed", state.paused ? "true" : "false");
    button.textContent = button.getAttribute(state.paused ? "data-label-play" : "data-label-pause");
  }

  function schedule(root) {
    if (timer) {
      window.clearInterval(timer);
      timer = null;
    }
    var seconds = Number(root.getAttribute("data-rotate-seconds")) || 20;
    if (pages(root).length > 1 && !state.paused) {
      timer = window.setInterval(function () {
        var current = board();
        if (current) {
          show(current, state.page + 1);
        }
      }, seconds * 1000);
    }
  }

  function start() {
    var root = board();
    if (!root) {
      return;
    }
    show(root, state.page);
    renderButton(root);
    schedule(root);
  }

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest(".board-pause") : null;
    if (!button) {
      return;
    }
    state.paused = !state.paused;
    var root = board();
    renderButton(root);
    schedule(root);
  });

  function refreshFailed() {
    var root = board();
    var message = root ? root.querySelector(".board-error") : null;
    if (message) {
      message.textContent = root.getAttribute("data-refresh-error");
      message.hidden = false;
    }
  }

  document.addEventListener("htmx:responseError", refreshFailed);
  document.addEventListener("htmx:sendError", refreshFailed);
  // A fresh board (htmx swap): same page and pause state; charts.js draws the new charts on the same event.
  document.addEventListener("htmx:afterSettle", function () {
    window.setTimeout(start, 0);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
