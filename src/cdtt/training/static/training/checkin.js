/* Field app: attendance at a training session, and the member's courses.
 *
 * The member scans the session's QR with the camera (the browser's BarcodeDetector where it
 * exists) or types the code shown under it. The check-in is queued in localStorage with a UUID
 * made on the phone and sent when there is a signal, exactly like visits: a resend is answered
 * by the server as the same check-in (200), never stored twice; a refusal (expired or forged
 * code, not enrolled, already present) is shown to the member and leaves the queue.
 */
(function () {
  "use strict";

  var CONF = window.CDTT_FIELD || {api: "/api/v1"};
  var KEY = "cdtt.field.";
  var busy = false;
  var stream = null;

  function $(id) { return document.getElementById(id); }
  function load(name, fallback) {
    try { var v = localStorage.getItem(KEY + name); return v === null ? fallback : JSON.parse(v); }
    catch (e) { return fallback; }
  }
  function save(name, value) {
    try { localStorage.setItem(KEY + name, JSON.stringify(value)); return true; } catch (e) { return false; }
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var x = Array.prototype.map.call(b, function (n) { return (n + 256).toString(16).slice(1); }).join("");
    return x.slice(0, 8) + "-" + x.slice(8, 12) + "-" + x.slice(12, 16) + "-" + x.slice(16, 20) + "-" + x.slice(20);
  }
  function say(text) { $("checkin-status").textContent = text; }
  function api(method, path, body) {
    var headers = {"Accept": "application/json"};
    var token = load("token", null);
    if (token) headers.Authorization = "Bearer " + token;
    if (body) headers["Content-Type"] = "application/json";
    return fetch(CONF.api + path, {method: method, headers: headers, cache: "no-store",
      body: body ? JSON.stringify(body) : undefined}).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (d) { return {status: r.status, data: d}; });
    });
  }

  // "cdtt-checkin:SESSION:TOKEN" from the QR, or the typed "SESSION.TIME.SIGNATURE".
  function parse(text) {
    var t = String(text || "").trim().replace(/\s+/g, "");
    if (t.indexOf("cdtt-checkin:") === 0) t = t.split(":").slice(2).join(":");
    var parts = t.toUpperCase().split(".");
    if (parts.length !== 3 || !/^\d+$/.test(parts[0])) return null;
    return {session: parseInt(parts[0], 10), token: t.toUpperCase()};
  }

  function queued() { return load("checkins", []); }
  function enqueue(code) {
    var c = parse(code);
    if (!c) { say("Mã không đúng dạng. Hãy nhập đúng dãy ký tự dưới mã QR."); return; }
    var q = queued();
    q.push({payload: {id: uuid(), session: c.session, token: c.token}, status: "pending"});
    if (!save("checkins", q)) { say("Bộ nhớ máy đã đầy, chưa lưu được lượt điểm danh."); return; }
    say(navigator.onLine ? "Đã lưu, đang gửi điểm danh…" : "Đã lưu trên máy; sẽ gửi khi có mạng.");
    render();
    sync();
  }

  function settle(id, change) {
    save("checkins", queued().map(function (i) {
      return i.payload.id === id ? (change ? Object.assign(i, change) : null) : i;
    }).filter(Boolean));
  }

  function sync() {
    if (busy || !navigator.onLine || !load("token", null)) return Promise.resolve();
    var pending = queued().filter(function (i) { return i.status === "pending"; });
    if (!pending.length) return Promise.resolve();
    busy = true;
    function next(k) {
      if (k >= pending.length) return Promise.resolve();
      var item = pending[k];
      return api("POST", "/checkins", item.payload).then(function (r) {
        if (r.status === 201 || r.status === 200) { settle(item.payload.id, null); say("Đã điểm danh buổi học."); return next(k + 1); }
        if (r.status >= 400 && r.status < 500 && r.status !== 401) {
          settle(item.payload.id, {status: "rejected", detail: r.data.detail || ""});
          return next(k + 1);
        }
      });
    }
    return next(0).catch(function () {}).then(function () { busy = false; render(); return courses(); });
  }

  function courses() {
    if (!navigator.onLine || !load("token", null)) { render(); return Promise.resolve(); }
    return api("GET", "/training/courses").then(function (r) {
      if (r.status === 200) save("courses", r.data.items);
      render();
    }).catch(function () {});
  }

  function li(text, cls) {
    var e = document.createElement("li");
    e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function render() {
    var list = $("checkin-queue");
    list.textContent = "";
    queued().forEach(function (i) {
      var text = "Buổi " + i.payload.session + ": " + (i.status === "pending" ? "chờ gửi" : i.detail);
      var e = li(text, i.status === "pending" ? "" : "problem");
      if (i.status !== "pending") {
        var b = document.createElement("button");
        b.type = "button"; b.className = "link"; b.textContent = "Đã hiểu";
        b.addEventListener("click", function () { settle(i.payload.id, null); render(); });
        e.appendChild(document.createTextNode(" "));
        e.appendChild(b);
      }
      list.appendChild(e);
    });
    var mine = $("my-courses");
    mine.textContent = "";
    var items = load("courses", []);
    if (!items.length) mine.appendChild(li("Bạn chưa tham gia khóa tập huấn nào.", "muted"));
    items.forEach(function (c) {
      var done = c.sessions.filter(function (s) { return s.attended; }).length;
      var text = c.title + " · " + done + "/" + c.sessions.length + " buổi" +
        (c.completed ? " · Đã hoàn thành, mã " + c.certificate : "");
      mine.appendChild(li(text));
    });
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    $("checkin-video").hidden = true;
  }

  function scan() {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
      say("Máy không hỗ trợ quét mã; hãy nhập mã in dưới mã QR.");
      $("checkin-code").focus();
      return;
    }
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    var video = $("checkin-video");
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (s) {
      stream = s; video.srcObject = s; video.hidden = false; video.play();
      say("Hướng camera vào mã QR của buổi học…");
      (function look() {
        if (!stream) return;
        detector.detect(video).then(function (found) {
          if (found.length) { stopCamera(); enqueue(found[0].rawValue); return; }
          setTimeout(look, 300);
        }).catch(function () { setTimeout(look, 500); });
      })();
    }).catch(function () { say("Không mở được camera; hãy nhập mã in dưới mã QR."); });
  }

  function start() {
    if (!$("checkin-view")) return;
    $("checkin-open").addEventListener("click", function () {
      ["list-view", "household-view"].forEach(function (v) { $(v).hidden = true; });
      $("checkin-view").hidden = false;
      render();
      courses();
    });
    $("checkin-back").addEventListener("click", function () {
      stopCamera();
      $("checkin-view").hidden = true;
      $("list-view").hidden = false;
    });
    $("checkin-scan").addEventListener("click", scan);
    $("checkin-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      enqueue($("checkin-code").value);
      $("checkin-code").value = "";
    });
    window.addEventListener("online", sync);
    setInterval(sync, 30000);
    if (location.hash === "#checkin" && load("token", null)) $("checkin-open").click();
    sync();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
