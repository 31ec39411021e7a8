// The top bar's menu folds behind its 菜单 button on a phone. The CSS folds it only once this
// script has marked the bar foldable, so without script the menu stays in view.
(function () {
  "use strict";
  var bar = document.querySelector(".topbar");
  var toggle = bar && bar.querySelector(".menu-toggle");
  if (!toggle) return;
  function show(open) {
    toggle.setAttribute("aria-expanded", String(open));
    bar.classList.toggle("open", open);
  }
  bar.classList.add("foldable");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    show(toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && bar.classList.contains("open")) {
      show(false);
      toggle.focus();
    }
  });
})();
