// Live state of an ordered PDF report (templates/evaluations/report_order_detail.html):
// polls the order's status URL every 2 s until it is ready or failed, and updates the
// aria-live region and the download link without reloading. No inline script (CSP).
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box || !box.dataset.poll || !window.fetch) {
    return;
  }
  var interval = parseInt(box.dataset.poll, 10) || 2000;
  var url = box.dataset.statusUrl;
  var region = document.getElementById("report-status-text");
  var badge = region.querySelector(".status-badge");
  var message = document.getElementById("report-status-message");
  var download = document.getElementById("report-download");
  var link = document.getElementById("report-download-link");
  var current = box.dataset.status;
  var failures = 0;

  function show(data) {
    if (data.status === current && message.textContent === data.message) {
      return;
    }
    current = data.status;
    box.dataset.status = data.status;
    badge.className = "badge status-badge status-" + data.status;
    badge.textContent = data.label;
    message.textContent = data.message;
    if (data.download_url) {
      link.href = data.download_url;
      download.hidden = false;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.status === "queued" || data.status === "rendering") {
          window.setTimeout(poll, interval);
        }
      })
      .catch(function () {
        // A dropped connection or a restart: keep trying, more slowly.
        failures += 1;
        if (failures < 30) {
          window.setTimeout(poll, interval * Math.min(failures + 1, 5));
        }
      });
  }

  window.setTimeout(poll, interval);
})();
