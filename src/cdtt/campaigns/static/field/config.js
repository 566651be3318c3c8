/* The field app's settings, read from this script tag's data attributes (no inline script:
   the content security policy allows scripts from 'self' only). Runs before app.js. */
(function () {
  "use strict";
  var data = document.currentScript ? document.currentScript.dataset : {};
  window.CDTT_FIELD = {api: data.api || "/api/v1", sw: data.sw};
})();
