// Status matrix: show the refusal dialog, put focus back on the saved cell, focus dialog errors.
(function () {
  "use strict";

  // htmx does not swap error responses by default; a refused quick update (403) carries a dialog
  // with the Norwegian explanation, so show it like any other dialog.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 403 && target && target.id === "dialog-host") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After a save the dialog is gone and the cell was replaced: focus the new cell's link,
  // so keyboard users continue where they were.
  document.body.addEventListener("matrixSaved", function (event) {
    var opener = event.detail && document.getElementById(event.detail.focus);
    if (opener) {
      opener.focus();
    }
  });

  // A dialog that comes back with errors: move focus to the error summary.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "dialog-host") {
      return;
    }
    var summary = target.querySelector("dialog[open] .ds-alert[role=alert][tabindex]");
    if (summary) {
      summary.focus();
    }
  });
})();
