// The office's lists: the header's box ticks every row, and each bulk action asks first.
// A file rather than an inline script: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";
  var form = document.getElementById("bulk");
  if (!form) return;
  function boxes(name) {
    return document.querySelectorAll("input[type=checkbox][form=bulk][name='" + name + "']");
  }
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      boxes(all.dataset.selectAll).forEach(function (box) { box.checked = all.checked; });
    });
  });
  form.querySelectorAll("button[data-bulk-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var ticked = document.querySelectorAll("input[type=checkbox][form=bulk]:checked").length;
      if (!window.confirm(button.dataset.bulkConfirm + " (" + ticked + ")")) event.preventDefault();
    });
  });
})();
