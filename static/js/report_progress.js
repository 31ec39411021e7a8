// The report page: while the generation job runs, poll its progress and reload when it is done.
// A file rather than an inline script: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";
  var box = document.getElementById("generation");
  if (!box || box.dataset.running !== "1") return;
  var bar = document.getElementById("generation-progress");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.progress;
        if (s.done) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
