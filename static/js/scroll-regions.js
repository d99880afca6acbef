// A table wider than the screen scrolls sideways in its own box (.table-responsive), so
// that the page itself reflows at 320 px (WCAG 1.4.10). A box that does scroll becomes a
// named region a keyboard user reaches with Tab and scrolls with the arrow keys
// (WCAG 2.1.1); one that fits is left out of the tab order. Checked again on resize.
(function () {
  "use strict";

  function name(box) {
    var caption = box.querySelector("caption");
    var text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
    return text || box.getAttribute("data-scroll-label") || "";
  }

  function update() {
    var boxes = document.querySelectorAll(".table-responsive");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var label = name(box);
        if (label) {
          box.setAttribute("aria-label", label);
        }
        box.setAttribute("data-scroll-region", "");
      } else if (!scrolls && box.hasAttribute("data-scroll-region")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-scroll-region");
      }
    }
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 150);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
