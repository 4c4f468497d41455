/* Show only the figures the chosen category reports; without this script every figure is shown
   and the server keeps only the chosen category's. */
(function () {
  var select = document.getElementById("id_category");
  if (!select) { return; }
  var rows = document.querySelectorAll("[data-figure-categories]");
  var none = document.getElementById("figures-none");
  var choose = document.getElementById("figures-choose");
  function update() {
    var chosen = select.value, shown = 0;
    rows.forEach(function (row) {
      var ids = row.getAttribute("data-figure-categories").split(" ");
      var show = chosen !== "" && ids.indexOf(chosen) !== -1;
      row.hidden = !show;
      if (show) { shown += 1; }
    });
    choose.hidden = chosen !== "";
    none.hidden = chosen === "" || shown > 0;
  }
  select.addEventListener("change", update);
  update();
})();
