// chainmap console: the one script the pages load (no inline script anywhere).
// Pages work without it; it adds conveniences only, and marks the page ready for tests.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // a select or checkbox marked data-autosubmit sends its form when changed
  document.querySelectorAll("[data-autosubmit]").forEach(function (control) {
    control.addEventListener("change", function () {
      if (control.form) control.form.requestSubmit();
    });
  });
  // buttons marked data-confirm ask before they submit (the message is the attribute's text)
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
  document.body.dataset.ready = "1";
});
