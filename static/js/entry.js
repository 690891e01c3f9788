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
})();
