// Small enhancements; every page works without them.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  // Copy buttons work only with JavaScript: they come hidden and are shown here. One listener for
  // all of them (a list has a hundred).
  function setUpCopyButtons(root) {
    root.querySelectorAll("button[data-kopiera][hidden]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-kopiera]") : null;
    if (!button) return;
    // A list's rows share one status line (#kopiera-status).
    var status = button.parentElement.querySelector(".kopiera__status") || document.getElementById("kopiera-status");
    copyText(button.dataset.kopiera).then(
      function () { if (status) status.textContent = "Kopierat: " + button.dataset.kopiera; },
      function () { if (status) status.textContent = "Kunde inte kopiera. Markera texten och kopiera själv."; }
    );
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    var box = document.getElementById("sok-q");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // Live search results (the header box and the home page's big box, each input[data-live]):
  // arrow keys move between hits, Escape goes back to the box.
  function liveBox(element) {
    if (!element || !element.closest) return null;
    if (element.matches("input[data-live]")) return element;
    var panel = element.closest(".sok-live");
    return panel ? document.querySelector('input[data-live="' + panel.id + '"]') : null;
  }

  document.addEventListener("keydown", function (event) {
    var box = liveBox(event.target);
    if (!box) return;
    var panel = document.getElementById(box.dataset.live);
    var links = Array.prototype.slice.call(panel.querySelectorAll("a.traff__lank"));
    var inBox = event.target === box;
    var index = links.indexOf(event.target);
    if (!inBox && index === -1) return;
    if (event.key === "ArrowDown" && links.length) {
      event.preventDefault();
      links[Math.min(index + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index !== -1) {
      event.preventDefault();
      if (index === 0) box.focus(); else links[index - 1].focus();
    } else if (event.key === "Escape") {
      panel.innerHTML = "";
      box.focus();
    }
  });

  // Search results and the chosen code side by side on wide screens: a hit's hx-get swaps the
  // code in beside the list (and pushes its /sok/?q=…&kod=… address). On narrow screens, or
  // where there is no place beside the list, the hit is an ordinary link to the code's page.
  var WIDE = "(min-width: 1200px)";
  document.addEventListener("htmx:confirm", function (event) {
    var link = event.detail.elt;
    if (!link.hasAttribute || !link.hasAttribute("data-sida-vid-sida")) return;
    if (window.matchMedia(WIDE).matches && document.getElementById("vald-kod-plats")) return;
    event.preventDefault();
    window.location.href = link.getAttribute("href");
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "vald-kod-plats") return;
    var panel = document.getElementById("vald-kod");
    if (panel) panel.focus();
  });


  // The list filter narrows rows as you type. Which rows stay is the server's answer
  // (/api/lists/<slug>/filter/, catalog.search.engine.narrowed): the same reading of the words as
  // search and as the page's GET form, so "ringde" keeps the telephone codes and "sjalvmord" AU118.
  // Rows keep the list's order; the address keeps ?filtrera= so a filtered list can be shared.
  function setUpListFilter() {
    var form = document.querySelector("form[data-filter]");
    if (!form || !window.fetch) return;
    var url = form.getAttribute("data-filter");
    var box = form.querySelector("input[name=filtrera]");
    var status = form.querySelector(".filter__antal");
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-rad]"));
    var present = {};
    var timer = null;
    var asked = 0;
    function codeOf(row) {
      var link = row.querySelector("a.kod");
      return link ? link.textContent.trim() : "";
    }
    rows.forEach(function (row) { present[codeOf(row)] = true; });
    function show(kept, total) {
      var shown = 0;
      rows.forEach(function (row) {
        var match = kept === null || kept[codeOf(row)] === true;
        row.hidden = !match;
        if (match) shown += 1;
      });
      document.querySelectorAll(".lista .avsnitt").forEach(function (section) {
        section.hidden = kept !== null && !section.querySelector("tr[data-rad]:not([hidden])");
      });
      if (status) status.textContent = kept === null ? "" : shown + " av " + total + " koder visas.";
      // The rows are settled (the server answered): the table of contents counts what is shown.
      form.dispatchEvent(new CustomEvent("filtrerad", { bubbles: true }));
    }
    function remember(value) {
      if (!window.URL || !window.history.replaceState) return;
      var address = new URL(window.location.href);
      if (value) address.searchParams.set("filtrera", value); else address.searchParams.delete("filtrera");
      window.history.replaceState(window.history.state, "", address.toString());
    }
    function apply() {
      var value = box.value.trim();
      var number = ++asked;
      remember(value);
      if (!value) {
        show(null, rows.length);
        return;
      }
      fetch(url + "?filtrera=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || number !== asked) return;
          var kept = {};
          var missing = false;
          data.codes.forEach(function (code) {
            kept[code] = true;
            if (!present[code]) missing = true;
          });
          // The page came narrowed by the server (?filtrera=): rows it left out need a new page.
          if (missing) {
            form.submit();
            return;
          }
          show(kept, data.total);
        })
        .catch(function () { /* the form still filters when sent */ });
    }
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, 150);
    });
  }

  // While the list is filtered, its table of contents counts the rows shown and leaves out
  // sections with none (it runs after the filter's own input handler has hidden the rows).
  function setUpListOverview() {
    var box = document.querySelector("form[data-filter] input[name=filtrera]");
    var toc = document.querySelector("[data-toc]");
    if (!box || !toc) return;
    box.form.addEventListener("filtrerad", function () {
      toc.querySelectorAll("[data-antal]").forEach(function (count) {
        var section = document.getElementById(count.dataset.antal);
        var shown = section ? section.querySelectorAll("tr[data-rad]:not([hidden])").length : 0;
        count.textContent = "(" + shown + ")";
        count.parentElement.hidden = shown === 0;
      });
      if (box.value.trim()) toc.open = false;
    });
  }

  // Printing shows every folded text (lists print Beskrivning and Anvisning in full).
  var closedBeforePrint = [];
  window.addEventListener("beforeprint", function () {
    closedBeforePrint = Array.prototype.slice.call(document.querySelectorAll("details:not([open])"));
    closedBeforePrint.forEach(function (details) { details.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedBeforePrint.forEach(function (details) { details.open = false; });
    closedBeforePrint = [];
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpCopyButtons(document);
    setUpListFilter();
    setUpListOverview();
  });
  document.addEventListener("htmx:afterSwap", function (event) { setUpCopyButtons(event.target); });

  // After the wizard swaps in a new step, put focus on its question so keyboard and
  // screen-reader users continue from there.
  document.addEventListener("htmx:afterSettle", function (event) {
    var guide = document.getElementById("guide");
    if (!guide || !guide.contains(event.target) && event.target !== guide) return;
    var heading = guide.querySelector("#steg-fraga, #resultat-rubrik");
    if (heading) heading.focus();
  });
})();
