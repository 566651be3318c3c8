/* Field app: the enterprise offers a member may claim, and the member's codes.
 *
 * Offers are read from GET /offers with the field app's token; "Nhận ưu đãi" posts a claim and
 * shows the code the member gives the enterprise. A claim needs a signal (the quantity is
 * counted on the server); the codes received are kept on the phone to show offline.
 */
(function () {
  "use strict";

  var CONF = window.CDTT_FIELD || {api: "/api/v1"};
  var KEY = "cdtt.field.";

  function $(id) { return document.getElementById(id); }
  function load(name, fallback) {
    try { var v = localStorage.getItem(KEY + name); return v === null ? fallback : JSON.parse(v); }
    catch (e) { return fallback; }
  }
  function save(name, value) {
    try { localStorage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* full */ }
  }
  function api(method, path) {
    var headers = {"Accept": "application/json"};
    var token = load("token", null);
    if (token) headers.Authorization = "Bearer " + token;
    return fetch(CONF.api + path, {method: method, headers: headers, cache: "no-store"}).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (d) { return {status: r.status, data: d}; });
    });
  }
  function li(text, cls) {
    var e = document.createElement("li");
    e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function say(text) { $("offers-status").textContent = text; }

  function renderCodes() {
    var list = $("my-offer-codes");
    list.textContent = "";
    load("offerCodes", []).forEach(function (c) { list.appendChild(li(c.code + " · " + c.title)); });
  }

  function claim(offer, button) {
    say("Đang nhận ưu đãi…");
    button.disabled = true;  // one claim per tap, while the answer comes
    api("POST", "/offers/" + offer.id + "/claims").then(function (r) {
      if (r.status === 201) {
        var codes = load("offerCodes", []);
        codes.push({code: r.data.code, title: offer.title});
        save("offerCodes", codes);
        button.remove();  // claimed: no button for it any more
        say("Đã nhận ưu đãi. Mã của bạn: " + r.data.code);
        renderCodes();
        refresh();
      } else {
        button.disabled = false;
        say(r.data.detail || "Không nhận được ưu đãi.");
      }
    }).catch(function () { button.disabled = false; say("Cần có mạng để nhận ưu đãi."); });
  }

  function refresh() {
    var list = $("field-offers");
    api("GET", "/offers").then(function (r) {
      list.textContent = "";
      var items = (r.data && r.data.items) || [];
      var mine = load("offerCodes", []).map(function (c) { return c.title; });
      if (!items.length) list.appendChild(li("Hiện chưa có ưu đãi nào cho tổ của bạn.", "muted"));
      items.forEach(function (o) {
        var deal = o.price !== null ? o.price.toLocaleString("vi-VN") + " đ" : "giảm " + o.discount_percent + "%";
        var e = li(o.title + " · " + o.enterprise + " · " + deal + " · đến " + o.valid_to.split("-").reverse().join("/"));
        if (mine.indexOf(o.title) < 0) {
          var b = document.createElement("button");
          b.type = "button"; b.textContent = "Nhận ưu đãi";
          b.addEventListener("click", function () { claim(o, b); });
          e.appendChild(document.createTextNode(" "));
          e.appendChild(b);
        }
        list.appendChild(e);
      });
    }).catch(function () { say("Không tải được ưu đãi; hãy thử lại khi có mạng."); });
  }

  function start() {
    if (!$("offers-view")) return;
    $("offers-open").addEventListener("click", function () {
      ["list-view", "household-view", "checkin-view"].forEach(function (v) { if ($(v)) $(v).hidden = true; });
      $("offers-view").hidden = false;
      renderCodes();
      refresh();
    });
    $("offers-back").addEventListener("click", function () {
      $("offers-view").hidden = true;
      $("list-view").hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
