/* The reports page's build form: the inspiration report covers every department, so "Afdeling" is disabled
 * while it is chosen (a disabled field is not sent; the server ignores a department for it anyway).
 * No inline script; loaded by templates/reports/reports_list.html.
 */
(function () {
  "use strict";

  function sync() {
    var kind = document.getElementById("id_kind");
    var department = document.getElementById("id_department");
    if (!kind || !department) {
      return;
    }
    department.disabled = kind.value === department.getAttribute("data-disabled-for");
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "id_kind") {
      sync();
    }
  });
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:afterSettle", sync);
})();
