// Progressive enhancement only: every page works without this file.
// When a form comes back with errors, move focus to the error summary (the GOV.UK pattern),
// so keyboard and screen reader users start from the list of problems. It is done again once
// the page has loaded, after the browser has finished with any `#main` in the address.
(function () {
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary && !summary.contains(document.activeElement)) {
      summary.focus();
    }
  }
  document.addEventListener("DOMContentLoaded", focusSummary);
  window.addEventListener("load", function () {
    window.setTimeout(focusSummary, 0);
  });
})();
