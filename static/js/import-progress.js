/* The purchase import page: while the import is queued or running, follow its status every second; reload the
   page (which then shows the outcome and no longer loads this script) when it starts, finishes or fails. */
(function () {
  var status = document.getElementById("import-status");
  if (!status) { return; }
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var saving = document.getElementById("import-saving");
  var shown = null;
  function poll() {
    fetch(status.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      if (s.finished || (shown !== null && s.status !== shown)) { window.location.reload(); return; }
      shown = s.status;
      if (bar) { bar.max = s.total || 1; bar.value = s.processed; }
      if (text) { text.textContent = s.processed + " / " + s.total; }
      if (saving) { saving.hidden = !(s.total && s.processed >= s.total); }
      setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 1000);
})();
