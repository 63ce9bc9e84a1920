// Practice pages and the live class. Everything here only helps; the pages work without it.
(function () {
  "use strict";

  // A page opened at its feedback or hint (#aterkoppling, #ledtrad: the forms' action) has already
  // scrolled there; move focus there too, so a screen reader and the next Tab start from it.
  function land() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.hasAttribute("data-landa")) target.focus();
  }
  document.addEventListener("DOMContentLoaded", land);
  window.addEventListener("hashchange", land);
})();
