// When a form comes back with errors, the summary at its top (includes/form_errors.html,
// tabindex="-1") takes the focus, so a keyboard or screen-reader user starts there and
// can follow its links to each field.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.getElementById("form-errors");
    if (summary) {
      summary.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
