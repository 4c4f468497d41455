/* The directory's filter panel: folds away on a phone once filters are applied, and follows the category
   chosen in the figures it shows. A static file (the CSP forbids inline script); the page works without it. */
(function () {
  var script = document.currentScript;
  var form = script && document.getElementById(script.getAttribute("data-form-id"));
  if (!form) { return; }

  // On a narrow screen the panel stands above the results: once filters are applied, fold it so the
  // results come first. The summary ("Filters, 3 in use") opens it again. Wide screens keep it open.
  var fold = form.closest("[data-filter-fold]");
  var narrow = window.matchMedia("(max-width: 800px)");
  function placePanel() {
    if (!fold) { return; }
    fold.open = !(narrow.matches && fold.hasAttribute("data-applied"));
  }
  placePanel();
  if (narrow.addEventListener) { narrow.addEventListener("change", placePanel); }

  // The server renders the inputs of the chosen category's figures only. When another category is chosen,
  // hide the empty inputs it does not use and say that applying shows its own.
  var category = form.elements.namedItem("category");
  var stale = form.querySelector(".figure-stale");
  var groups = Array.prototype.slice.call(form.querySelectorAll(".figure-range[data-figure]"));
  function isEmpty(group) {
    return Array.prototype.every.call(group.querySelectorAll("input"), function (input) { return input.value === ""; });
  }
  function followCategory() {
    var option = category.options[category.selectedIndex];
    var wanted = option && option.value ? (option.getAttribute("data-figures") || "").split(" ").filter(Boolean) : null;
    var shown = {};
    groups.forEach(function (group) {
      var key = group.getAttribute("data-figure");
      var keep = wanted === null || wanted.indexOf(key) !== -1 || !isEmpty(group);
      group.hidden = !keep;
      shown[key] = true;
    });
    var missing = wanted === null ? groups.length === 0 : wanted.some(function (key) { return !shown[key]; });
    if (stale) { stale.hidden = !missing; }
  }
  if (category && category.tagName === "SELECT") { category.addEventListener("change", followCategory); }
})();
