/* Show only the chosen model's fields; without this script every section is shown, each saying which model
   it belongs to, and the server keeps only the chosen model's fields. */
(function () {
  var form = document.getElementById("collaboration-form");
  if (!form) { return; }
  var radios = form.querySelectorAll("input[name=model]");
  var sections = form.querySelectorAll("[data-model]");
  function update() {
    var chosen = "";
    radios.forEach(function (radio) { if (radio.checked) { chosen = radio.value; } });
    sections.forEach(function (section) { section.hidden = section.getAttribute("data-model") !== chosen; });
    form.querySelectorAll("[data-no-js-hint]").forEach(function (hint) { hint.hidden = true; });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
