/* Buttons marked data-print open the browser's print dialog (no inline onclick: the CSP forbids it). */
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
