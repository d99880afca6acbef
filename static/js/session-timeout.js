// Idle-timeout warning (WCAG 2.2.1): before the server ends an idle session, a dialog
// says so and lets the user continue with one action. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var body = document.body;
  var total = parseInt(body.dataset.sessionSeconds || "0", 10);
  var warning = parseInt(body.dataset.sessionWarningSeconds || "0", 10);
  var dialog = document.getElementById("session-warning");
  if (!total || !dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var left = document.getElementById("session-warning-left");
  var template = document.getElementById("session-left-template").innerHTML;
  var button = document.getElementById("session-extend");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var deadline;
  var lastFocus = null;

  function restart(seconds) {
    deadline = Date.now() + seconds * 1000;
  }

  function tick() {
    var remaining = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (remaining === 0) {
      window.location.href = body.dataset.loginUrl;
      return;
    }
    if (remaining <= warning) {
      if (!dialog.open) {
        lastFocus = document.activeElement;
        dialog.showModal();
        button.focus();
      }
      // Announce whole minutes only, so a screen reader is not flooded every second.
      var minutes = Math.floor(remaining / 60);
      var seconds = remaining % 60;
      if (seconds === 0 || remaining < 60) {
        left.textContent = template
          .replace("%(minutes)s", String(minutes))
          .replace("%(seconds)s", String(seconds));
      }
    }
  }

  button.addEventListener("click", function () {
    fetch(body.dataset.sessionExtendUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("extend failed");
        }
        return response.json();
      })
      .then(function (data) {
        restart(data.seconds_left);
        left.textContent = "";
        dialog.close();
        if (lastFocus) {
          lastFocus.focus();
        }
      })
      .catch(function () {
        window.location.href = body.dataset.loginUrl;
      });
  });
  // Escape would close the dialog without extending: treat it as «continue».
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    button.click();
  });

  restart(total);
  window.setInterval(tick, 1000);
})();
