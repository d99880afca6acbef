// Search-as-you-type for fields with data-suggest-url (municipalities/widgets.py): as the
// user types, asks the URL for matches and puts them in the field's native <datalist>,
// which the browser offers under the field (keyboard and screen readers included). The
// field stays a plain text field: without this script it works as a free-text filter.
(function () {
  "use strict";
  if (!window.fetch) {
    return;
  }
  var DELAY = 200;

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) {
      return;
    }
    var timer = null;
    var asked = 0;
    var lastText = null;

    function show(results, number) {
      if (number !== asked) {
        return; // an answer to an earlier keystroke arrived late
      }
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      results.forEach(function (result) {
        var option = document.createElement("option");
        option.value = result.value;
        option.textContent = result.label;
        list.appendChild(option);
      });
    }

    function ask() {
      var text = input.value.trim();
      if (text === lastText) {
        return;
      }
      lastText = text;
      asked += 1;
      var number = asked;
      if (!text) {
        show([], number);
        return;
      }
      var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          show(data.results || [], number);
        })
        .catch(function () {
          show([], number);
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });
  }

  document.querySelectorAll("input[data-suggest-url][list]").forEach(attach);
})();
