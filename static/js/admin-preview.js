// Live preview of an entry's texts in the admin: the server renders them exactly as the site does.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var target = document.querySelector("[data-forhandsvisning]");
    var form = target && target.closest("form");
    if (!form) return;
    var fields = ["beskrivning", "anvisning"].map(function (name) { return form.querySelector("[name=" + name + "]"); });
    var timer = null;
    var latest = 0;
    function refresh() {
      var request = ++latest;
      var body = new FormData();
      fields.forEach(function (field) { if (field) body.append(field.name, field.value); });
      fetch(target.dataset.forhandsvisning, {
        method: "POST",
        body: body,
        headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
        credentials: "same-origin",
      })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) { if (request === latest) target.innerHTML = html; })
        .catch(function () { if (request === latest) target.textContent = "Förhandsvisningen kunde inte hämtas."; });
    }
    fields.forEach(function (field) {
      if (!field) return;
      field.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, 300);
      });
    });
  });
})();
