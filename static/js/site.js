// Site-wide behaviour: open dialogs that htmx loads, close them after a successful save.
(function () {
  "use strict";

  document.addEventListener("htmx:afterSwap", function (event) {
    var dialog = event.detail.target.querySelector("dialog[data-autoopen]");
    if (dialog && !dialog.open) {
      dialog.showModal();
    }
  });

  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) {
        dialog.close();
      }
    }
  });

  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (dialog instanceof HTMLDialogElement && dialog.dataset.returnFocus) {
      var opener = document.getElementById(dialog.dataset.returnFocus);
      if (opener) {
        opener.focus();
      }
    }
  }, true);
})();
