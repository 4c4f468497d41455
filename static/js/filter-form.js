/* Keeps a filter form's empty fields out of the shareable URL. The form: data-form-id of this script tag. */
(function () {
  var script = document.currentScript;
  var form = script && document.getElementById(script.getAttribute("data-form-id"));
  if (!form) { return; }
  // Empty fields would fill the shareable URL with "&district=&stage=…": leave them out of the request.
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.type !== "checkbox" && (el.value === "" || el.value === "unknown")) { el.disabled = true; }
    });
  });
  // Coming back to the page from the browser's history must not leave fields disabled.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.elements, function (el) { el.disabled = false; });
  });
})();
