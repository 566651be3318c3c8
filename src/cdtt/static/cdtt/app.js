/* Behaviour every page shares, bound from data attributes so that no page needs an inline
   script or an on* attribute (the content security policy allows scripts from 'self' only).
   - form[data-confirm]: asks before sending (the text is the attribute's value);
   - select[data-autosubmit]: sends its form when the choice changes;
   - input[data-enter-search]: Enter searches instead of sending the surrounding form.
   Listeners sit on the document, so that fragments htmx swaps in behave the same. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      if (typeof el.form.requestSubmit === "function") el.form.requestSubmit();
      else el.form.submit();
    }
  });
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && el instanceof HTMLInputElement && el.hasAttribute("data-enter-search")) {
      event.preventDefault();
      el.dispatchEvent(new Event("search", {bubbles: true}));
    }
  });
})();
