// The comment form: a name button inserts "@name " where the cursor is.
(function () {
  "use strict";
  document.querySelectorAll(".comment-form").forEach(function (form) {
    var text = form.querySelector("textarea");
    if (!text) return;
    form.querySelectorAll("button[data-mention]").forEach(function (button) {
      button.addEventListener("click", function () {
        var at = text.selectionStart || text.value.length;
        var before = text.value.slice(0, at);
        var gap = before && !/\s$/.test(before) ? " " : "";
        var mention = gap + "@" + button.dataset.mention + " ";
        text.value = before + mention + text.value.slice(at);
        text.focus();
        text.selectionStart = text.selectionEnd = at + mention.length;
      });
    });
  });
})();
