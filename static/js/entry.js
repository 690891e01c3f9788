/* Monthly entry grid: tell the user when a row could not be saved (server error, lost connection).
 *
 * htmx does not swap error responses, so without this a failed save would look like nothing happened. The message
 * comes from the grid's data-save-error attribute (translated in the template). No inline script; loaded by
 * templates/measurements/entry.html.
 */
(function () {
  "use strict";

  function showFailure(event) {
    var form = event.target && event.target.closest ? event.target.closest("form[id^='form-']") : null;
    if (!form) {
      return;
    }
    var grid = document.getElementById("grid-table");
    var row = form.closest("tbody");
    var status = row ? row.querySelector(".row-status") : null;
    if (!status || !grid) {
      return;
    }
    status.textContent = grid.getAttribute("data-save-error") || "Rækken blev ikke gemt. Prøv igen.";
    status.classList.add("save-failed");
  }

  document.addEventListener("htmx:responseError", showFailure);
  document.addEventListener("htmx:sendError", showFailure);

  /* After Gem (a click or Enter) the row is swapped for the saved one: put focus back in that row, on the field
   * that had it (or the first field with an error, or the row's Gem button), never on the page top. */
  var pending = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var form = elt && elt.closest ? elt.closest("form[id^='form-']") : null;
    var row = form ? form.closest("tbody") : null;
    if (!row) {
      return;
    }
    var active = document.activeElement;
    pending = { row: row.id, focus: active && active.id && row.contains(active) ? active.id : null };
  });

  /* Whether a settled swap is the saved row (or holds it). Other swaps settle too — the chart panel that reloads
   * after every save may settle while the next save is under way — and must leave the pending focus alone. */
  function isRow(settled, rowId) {
    if (!settled || !settled.nodeType) {
      return true;
    }
    var selector = "#" + CSS.escape(rowId);
    return settled.id === rowId || Boolean(settled.closest && settled.closest(selector)) ||
      Boolean(settled.querySelector && settled.querySelector(selector));
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!pending || !isRow(event.target, pending.row)) {
      return;
    }
    var wanted = pending;
    pending = null;
    var row = document.getElementById(wanted.row);
    if (!row) {
      return;
    }
    var target =
      row.querySelector("[aria-invalid='true']") ||
      (wanted.focus ? document.getElementById(wanted.focus) : null) ||
      row.querySelector("button.save") ||
      row.querySelector("input:not([type='hidden'])");
    if (target && row.contains(target)) {
      target.focus();
    }
  });
})();
