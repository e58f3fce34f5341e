// Highlight's own script: progressive, the pages work without it.
//
// A table wider than the screen scrolls in its own box (.table-responsive) instead of
// pushing the page sideways. Such a box gets a tab stop and a name, so that it can be
// scrolled from the keyboard and a screen reader says what it holds (WCAG 2.1.1); a box
// that fits gets neither, so a desktop keeps one tab stop fewer per table.
(function () {
  "use strict";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var section = box.closest("section, .card");
    var heading = section && section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : "Table";
  }

  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box) + " (scrolls sideways)");
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", update);
  document.addEventListener("htmx:afterSettle", update); // the documents table refreshes
})();
