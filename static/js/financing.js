// Live totals for the budget grid and the funding plan. The server checks the same
// rules on save; this only shows the figures while the user types.
(function () {
  "use strict";
  var form = document.getElementById("financing-form");
  if (!form) {
    return;
  }
  var lang = document.documentElement.lang === "en" ? "en-GB" : "nb-NO";
  var money = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  var pct = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var countySource = form.dataset.countySource;
  var cap = form.dataset.cap === "" ? null : parseFloat(form.dataset.cap);

  function amount(input) {
    var text = (input.value || "").replace(/[\s\u00a0\u202f]/g, "").replace(/^kr/i, "");
    return /^\d+$/.test(text) ? parseInt(text, 10) : 0;
  }
  function kr(value) {
    return "kr\u00a0" + money.format(value).replace(/\s/g, "\u00a0");
  }
  function set(selector, text) {
    var node = form.querySelector(selector);
    if (node) {
      node.textContent = text;
    }
  }

  function update() {
    var rows = {};
    var cols = {};
    var budget = 0;
    form.querySelectorAll("[data-budget-row]").forEach(function (input) {
      var value = amount(input);
      rows[input.dataset.budgetRow] = (rows[input.dataset.budgetRow] || 0) + value;
      cols[input.dataset.budgetCol] = (cols[input.dataset.budgetCol] || 0) + value;
      budget += value;
    });
    Object.keys(rows).forEach(function (key) {
      set('[data-row-total="' + key + '"]', kr(rows[key]));
    });
    form.querySelectorAll("[data-col-total]").forEach(function (cell) {
      cell.textContent = kr(cols[cell.dataset.colTotal] || 0);
    });
    set("[data-budget-total]", kr(budget));

    var funding = 0;
    var county = 0;
    form.querySelectorAll("[data-funding-row]").forEach(function (row) {
      var input = row.querySelector("[data-funding-amount]");
      var remove = row.querySelector('input[type="checkbox"]');
      var source = row.querySelector("select");
      if (!input || (remove && remove.checked)) {
        return;
      }
      var value = amount(input);
      funding += value;
      if (source && source.value === countySource) {
        county += value;
      }
    });
    set("[data-summary-budget]", kr(budget));
    set("[data-summary-funding]", kr(funding));
    var difference = funding - budget;
    set("[data-summary-difference]", difference === 0 ? kr(0) + " ✓" : kr(difference));
    var share = budget > 0 ? (county * 100) / budget : null;
    var text = kr(county) + (share === null ? "" : " (" + pct.format(share) + "\u00a0%)");
    if (cap !== null && share !== null && share > cap) {
      text += " – " + form.dataset.capText;
    }
    set("[data-summary-county]", text);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
