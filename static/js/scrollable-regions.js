// Any region that scrolls sideways (a wide table on a phone) can be reached and scrolled by keyboard: it takes
// focus and is named by its caption or heading for screen readers (WCAG 2.1.1). Runs on the site and the admin,
// after the page's own scripts have built their widgets, and again when the window is resized.
(function () {
  "use strict";

  function nameOf(region) {
    var named = region.querySelector("caption, h2, h3, legend");
    return named ? named.textContent.trim() : "";
  }

  function mark() {
    document.querySelectorAll("main *, #content *").forEach(function (element) {
      var style = window.getComputedStyle(element);
      var scrolls = (style.overflowX === "auto" || style.overflowX === "scroll") &&
        element.scrollWidth > element.clientWidth + 1;
      if (scrolls && !element.hasAttribute("tabindex")) {
        element.setAttribute("tabindex", "0");
        element.setAttribute("role", "region");
        var name = nameOf(element);
        if (name && !element.hasAttribute("aria-label")) element.setAttribute("aria-label", name);
        element.dataset.scrollRegion = "";
      }
    });
  }

  window.addEventListener("load", mark);
  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(mark, 200);
  });
})();
