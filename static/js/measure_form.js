/* The measure form: "Rate pr." belongs to rates only, so it is shown only while the unit is a rate.
 *
 * The field's wrapper carries data-rate-only and starts hidden unless the unit is a rate (server-rendered); this
 * keeps it in step when the user changes the unit. No inline script; loaded by definition_form.html.
 */
(function () {
  "use strict";

  function sync() {
    var unit = document.getElementById("id_unit");
    if (!unit) {
      return;
    }
    document.querySelectorAll("[data-rate-only]").forEach(function (wrapper) {
      wrapper.hidden = unit.value !== "rate";
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "id_unit") {
      sync();
    }
  });
  document.addEventListener("DOMContentLoaded", sync);
})();
