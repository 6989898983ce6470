// Knapsack ballot: keep the total and what is left of the envelope up to date as projects
// are ticked. Without this script the "Recalculate the total" button does the same on the
// server. The message is in the page's language, taken from data attributes.
(function () {
  "use strict";
  var fieldset = document.querySelector("fieldset.ballot[data-budget]");
  var output = document.getElementById("ballot-total");
  if (!fieldset || !output) { return; }
  var budget = parseInt(fieldset.getAttribute("data-budget"), 10);
  var boxes = fieldset.querySelectorAll("input[type=checkbox][data-cost]");
  var format = function (n) {
    return n.toLocaleString(document.documentElement.lang || "fr", { maximumFractionDigits: 0 }) + "\u00a0€";
  };
  var update = function () {
    var total = 0;
    boxes.forEach(function (box) { if (box.checked) { total += parseInt(box.getAttribute("data-cost"), 10); } });
    var over = total > budget;
    output.textContent = output.getAttribute("data-template")
      .replace("{total}", format(total))
      .replace("{left}", format(Math.max(budget - total, 0)))
      + (over ? " " + output.getAttribute("data-over") : "");
    output.classList.toggle("over", over);
  };
  boxes.forEach(function (box) { box.addEventListener("change", update); });
})();
