// Presentation mode (body.projektor): keys for the room's screen. Every key is also printed on
// what it presses, and everything it does is a link or a button, so nothing here is needed.
//   1–9, then A–Z without Q: choose the answer showing that key (tick it on a multiple-choice step)
//   0: "Inget av dessa"      Enter: "Fortsätt"      Q: the QR code large on its own (again, or Escape: back)
(function () {
  "use strict";

  function typing(target) {
    return target.closest("input[type=text], input[type=search], textarea, select, [contenteditable]");
  }

  function toggleQr(event) {
    var open = location.hash === "#qr";
    if (!(event.key === "q" || event.key === "Q" || (open && event.key === "Escape"))) return false;
    if (!document.getElementById("qr")) return false;
    event.preventDefault();
    // :target follows location.hash; an empty hash closes it without leaving the page.
    location.hash = open ? "" : "qr";
    return true;
  }

  function choose(event) {
    var guide = document.getElementById("guide");
    var key = event.key.toLowerCase();
    if (!guide || !/^[0-9a-z]$/.test(key)) return;
    var target = guide.querySelector('[data-tast="' + key + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.matches("a")) {
      target.click();
    } else if (target.matches("input[type=checkbox]")) {
      target.checked = !target.checked;
      target.focus();
    }
  }

  function proceed(event) {
    if (event.key !== "Enter") return;
    // Links and buttons already act on Enter; elsewhere (a ticked box, the page) Enter is "Fortsätt".
    if (event.target.closest("a, button, summary")) return;
    var guide = document.getElementById("guide");
    var button = guide && guide.querySelector(".val-form button[type=submit]");
    if (!button) return;
    event.preventDefault();
    button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (!document.body.classList.contains("projektor")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    if (toggleQr(event)) return;
    proceed(event);
    if (!event.defaultPrevented) choose(event);
  });
})();
