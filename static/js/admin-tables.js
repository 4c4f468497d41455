// The admin's tables officials read on a phone: each cell learns its column's name (data-label) so that, below
// 768 px, admin.css can stack a row's cells with their names beside the values instead of hiding columns off to
// the side. The lists of records (#result_list), the read-only inlines (an application's claimed purchases, its
// events) and the history in words. Tables keep their layout at desk widths.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var tables = document.querySelectorAll("#result_list, .readonly-inline table, #change-history");
  Array.prototype.forEach.call(tables, function (table) {
    var labels = [];
    var header = table.querySelector("thead tr:last-child");
    if (!header) {
      return;
    }
    Array.prototype.forEach.call(header.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i += 1) {
        labels.push(cell.textContent.trim());
      }
    });
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var label = labels[column];
        if (label && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", label);
        }
        column += cell.colSpan || 1;
      });
    });
    table.classList.add("stack-on-phone");
  });
});
