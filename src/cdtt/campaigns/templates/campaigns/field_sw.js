/* Service worker of the field app: keeps the app shell so that it opens without a signal.
 * Data (the worklist, the queue of visits) is kept by the app itself, never by this cache. */
var CACHE = "cdtt-field-{{ version }}";
var SHELL = {{ shell|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("cdtt-field-") === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (req.mode === "navigate") {
    // The page: the cached shell at once (a slow line costs nothing to open the app), renewed
    // from the network behind it; the network only when nothing is cached yet. A new version
    // of the app comes with a new service worker, which caches the new shell when installed.
    var fresh = fetch(req).then(function (res) {
      var copy = res.clone();
      if (res.ok) caches.open(CACHE).then(function (c) { c.put(SHELL[0], copy); });
      return res;
    });
    event.respondWith(caches.match(SHELL[0]).then(function (hit) {
      if (hit) { event.waitUntil(fresh.catch(function () {})); return hit; }
      return fresh;
    }));
    return;
  }
  if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(req); }));
  }
});
