// Presentation mode in the visit wizard: the digit keys choose an answer. Every digit is also
// printed on its answer's button, so nothing here is needed to use the page.
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    if (!document.body.classList.contains("projektor")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input[type=text], input[type=search], textarea, select, [contenteditable]")) return;
    if (!/^[1-9]$/.test(event.key)) return;
    var guide = document.getElementById("guide");
    if (!guide) return;
    var index = Number(event.key) - 1;
    var links = guide.querySelectorAll(".val .val__knapp");
    var boxes = guide.querySelectorAll(".val-form input[type=checkbox]");
    if (links.length && index < links.length) {
      event.preventDefault();
      links[index].click();
    } else if (boxes.length && index < boxes.length) {
      event.preventDefault();
      boxes[index].checked = !boxes[index].checked;
      boxes[index].focus();
    }
  });
})();
