// The progress form: "add another" link or figure, and a confirmation before submitting.
// A file rather than an inline script: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";
  document.querySelectorAll("fieldset[data-formset]").forEach(function (set) {
    var prefix = set.dataset.formset;
    var total = set.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var max = set.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    var button = set.querySelector("button[data-add]");
    if (!total || !button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = set.querySelectorAll(".row");
      var count = parseInt(total.value, 10);
      if (max && count >= parseInt(max.value, 10)) { button.disabled = true; return; }
      var row = rows[rows.length - 1].cloneNode(true);
      var from = new RegExp(prefix + "-\\d+-", "g");
      row.querySelectorAll("input, select, textarea, label").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(from, prefix + "-" + count + "-"));
        });
        if (el.tagName === "SELECT") el.selectedIndex = 0;
        else if (el.tagName !== "LABEL") el.value = "";
      });
      row.querySelectorAll(".errorlist").forEach(function (el) { el.remove(); });
      rows[rows.length - 1].after(row);
      total.value = count + 1;
    });
  });
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var form = button.form;
      var evidence = Array.prototype.some.call(
        form.querySelectorAll("input[type=file], input[name$='-url'], select[name$='-metric']"),
        function (el) { return el.type === "file" ? el.files.length > 0 : el.value !== ""; }
      );
      var question = evidence ? button.dataset.confirm : button.dataset.confirmNoEvidence;
      if (!window.confirm(question)) event.preventDefault();
    });
  });
})();
