// The order form shows only what the chosen kind of report needs: the programme for a
// municipality report and a report to the committee, the municipality for a municipality
// report, the project for a project report, the meeting and the adviser's assessment for
// a report to the committee. Without JavaScript every field is shown (and the server
// says which belong to which kind); a field with an error is never hidden.
(function () {
  "use strict";
  var NEEDS = {
    project: ["project"],
    municipality: ["programme", "municipality"],
    programme: ["programme", "committee"],
  };
  function wrapper(name) {
    return document.getElementById("div_id_" + name);
  }
  function update(form) {
    var chosen = form.querySelector("input[name=kind]:checked");
    if (!chosen || !NEEDS[chosen.value]) {
      return;
    }
    var needs = NEEDS[chosen.value];
    // A part that holds an error message stays in view, whatever the kind.
    function show(part, wanted) {
      part.hidden = !wanted && !part.querySelector(".is-invalid");
    }
    ["programme", "municipality", "project"].forEach(function (name) {
      var field = wrapper(name);
      if (field) {
        show(field, needs.indexOf(name) !== -1);
      }
    });
    form.querySelectorAll("[data-for-kind=programme]").forEach(function (part) {
      show(part, needs.indexOf("committee") !== -1);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("report-order-form");
    if (!form) {
      return;
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind") {
        update(form);
      }
    });
    update(form);
  });
})();
