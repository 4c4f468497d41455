// Django admin widgets that axe-core flags (WCAG 4.1.2): the help icons of the two-box selector carry an
// aria-label on a plain span, which assistive technology ignores; as images they are announced.
window.addEventListener("load", function () {
  "use strict";
  document.querySelectorAll("span.help-tooltip[aria-label]").forEach(function (icon) {
    icon.setAttribute("role", "img");
  });
});
