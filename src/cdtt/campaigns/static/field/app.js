/* Field app of the Community Digital Technology Teams: worklist, visit form, offline queue.
 *
 * Plain JS, no build step. State lives in localStorage: the bearer token, what /me returned,
 * each village's worklist, and the queue of visits waiting to be sent. Every visit carries a
 * UUID made on the phone, so a resend (double tap, lost answer, two phones) is recognised by the
 * server and never stored twice; a 409 (same UUID, other content) is shown to the member.
 */
(function () {
  "use strict";

  var CONF = window.CDTT_FIELD || {api: "/api/v1"};
  var KEY = "cdtt.field.";
  var OUTCOMES = [
    ["guided", "Đã hướng dẫn"],
    ["come_back_later", "Hẹn quay lại"],
    ["nobody_home", "Không có ai ở nhà"],
    ["refused", "Từ chối"]
  ];
  var LEVELS = [["", "Không đánh giá"], ["0", "Chưa biết"], ["1", "Cơ bản"], ["2", "Thành thạo"]];
  var state = {me: null, village: null, households: [], current: null, syncing: false};

  // --- storage -------------------------------------------------------------------------------
  function load(name, fallback) {
    try {
      var v = localStorage.getItem(KEY + name);
      return v === null ? fallback : JSON.parse(v);
    } catch (e) { return fallback; }
  }
  // Returns whether it was stored. When the phone's storage is full, the cached worklists of
  // other villages (they come back from the server) make room first; the queue never does.
  function save(name, value) {
    var text = JSON.stringify(value);
    try { localStorage.setItem(KEY + name, text); return true; } catch (e) { /* full */ }
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var k = localStorage.key(i);
      if (k && k.indexOf(KEY + "worklist.") === 0 && k !== KEY + "worklist." + state.village) {
        localStorage.removeItem(k);
      }
    }
    try { localStorage.setItem(KEY + name, text); return true; } catch (e) { return false; }
  }
  function drop(name) { localStorage.removeItem(KEY + name); }
  function queue() { return load("queue", []); }

  // --- helpers -------------------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  function h(tag, attrs) {
    var el = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") el.textContent = attrs[k];
      else if (k === "on") for (var ev in attrs.on) el.addEventListener(ev, attrs.on[ev]);
      else if (attrs[k] === true) el.setAttribute(k, "");
      else if (attrs[k] !== false && attrs[k] != null) el.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null) continue;
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return el;
  }
  function fold(s) {
    return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")
      .replace(/Đ/g, "d").toLowerCase().trim();
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var x = Array.prototype.map.call(b, function (n) { return (n + 256).toString(16).slice(1); }).join("");
    return x.slice(0, 8) + "-" + x.slice(8, 12) + "-" + x.slice(12, 16) + "-" + x.slice(16, 20) + "-" + x.slice(20);
  }
  function ddmmyyyy(iso) {
    var d = new Date(iso);
    function p(n) { return (n < 10 ? "0" : "") + n; }
    return p(d.getDate()) + "/" + p(d.getMonth() + 1) + "/" + d.getFullYear();
  }
  function localDay(d) {
    function p(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate());
  }
  function skillName(code) {
    var s = (state.me && state.me.skills || []).filter(function (x) { return x.code === code; })[0];
    return s ? s.name : code;
  }
  function toast(text) {
    var t = $("toast");
    t.textContent = text; t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.hidden = true; }, 3500);
  }
  function show(view) {
    ["login-view", "list-view", "household-view"].forEach(function (v) { $(v).hidden = v !== view; });
    $("logout").hidden = view === "login-view";
    window.scrollTo(0, 0);
  }

  // --- network -------------------------------------------------------------------------------
  function api(method, path, body) {
    var headers = {"Accept": "application/json"};
    var token = load("token", null);
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(CONF.api + path, {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store"
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        return {status: r.status, data: data};
      });
    });
  }

  function renderNet() {
    $("net").textContent = navigator.onLine ? "● Có mạng" : "○ Mất mạng – đang lưu trên máy";
    var n = queue().filter(function (q) { return q.status === "pending"; }).length;
    $("queue-count").textContent = n;
    $("sync").hidden = n === 0;
  }

  // --- login and data ------------------------------------------------------------------------
  function login(ev) {
    ev.preventDefault();
    var f = ev.target;
    $("login-error").textContent = "";
    if (!navigator.onLine) { $("login-error").textContent = "Cần có mạng để đăng nhập lần đầu."; return; }
    api("POST", "/auth/token", {username: f.username.value.trim(), password: f.password.value})
      .then(function (r) {
        if (r.status !== 200) throw new Error(r.data.detail || "Đăng nhập không thành công.");
        save("token", r.data.token);
        f.password.value = "";
        return refresh();
      })
      .then(function () { show("list-view"); renderList(); sync(); })
      .catch(function (e) { $("login-error").textContent = e.message || "Không kết nối được máy chủ."; });
  }

  function refresh() {
    // Fetch who I am and the worklist of each of my villages; keep the cached copy when offline.
    return api("GET", "/me").then(function (r) {
      if (r.status === 401) { needLogin(); throw new Error("401"); }
      if (r.status !== 200) return;
      state.me = r.data; save("me", r.data);
      if (!state.village || !r.data.villages.some(function (v) { return v.code === state.village; })) {
        state.village = r.data.villages.length ? r.data.villages[0].code : null;
      }
      return Promise.all(r.data.villages.map(function (v) {
        return api("GET", "/worklist?village=" + encodeURIComponent(v.code)).then(function (w) {
          if (w.status === 200) save("worklist." + v.code, w.data);
        });
      }));
    }).then(function () { loadVillage(); }).catch(function () { /* offline: cached data stays */ });
  }

  function needLogin() {
    drop("token");
    show("login-view");
    $("login-error").textContent = "Phiên đăng nhập đã hết hạn; hãy đăng nhập lại (các lượt chưa gửi vẫn được giữ).";
  }

  function loadVillage() {
    var w = state.village ? load("worklist." + state.village, null) : null;
    state.households = w ? w.households : [];
  }

  // --- the worklist --------------------------------------------------------------------------
  function renderList() {
    var me = state.me;
    var sel = $("village");
    sel.innerHTML = "";
    (me ? me.villages : []).forEach(function (v) {
      sel.appendChild(h("option", {value: v.code, selected: v.code === state.village}, v.name + (v.commune ? " – " + v.commune : "")));
    });
    sel.hidden = !me || me.villages.length < 2;
    var q = fold($("search").value);
    var items = state.households.filter(function (hh) {
      if (!q) return true;
      if (fold(hh.code).indexOf(q) >= 0) return true;
      return hh.residents.some(function (p) { return fold(p.full_name).indexOf(q) >= 0; });
    });
    var covered = state.households.filter(function (x) { return x.covered; }).length;
    $("summary").textContent = state.households.length
      ? covered + "/" + state.households.length + " hộ đã có người thành thạo 5 kỹ năng"
      : (me && me.villages.length ? "Chưa có dữ liệu hộ của thôn." : "Bạn chưa được phân công thôn nào.");
    var ul = $("households");
    ul.innerHTML = "";
    var pending = {};
    queue().forEach(function (item) { if (item.status === "pending") pending[item.payload.household.code] = true; });
    items.slice(0, 300).forEach(function (hh) {
      var head = hh.residents[0];
      var status = hh.covered ? h("span", {"class": "badge"}, "Đã đạt")
        : h("span", {"class": "badge no"}, "Chưa đạt");
      ul.appendChild(h("li", {"data-code": hh.code},
        h("button", {type: "button", on: {click: function () { openHousehold(hh.code); }}},
          h("span", {"class": "code"}, hh.code), " ", status,
          pending[hh.code] ? h("span", {"class": "badge wait"}, " chờ gửi") : null,
          h("div", null, head ? head.full_name : "", hh.address ? " · " + hh.address : ""),
          hh.covered ? null : h("div", {"class": "lacks"}, "Còn thiếu: " + hh.lacks.map(skillName).join(", ")),
          hh.last_visit ? h("div", {"class": "muted"}, "Lần đến gần nhất: " + ddmmyyyy(hh.last_visit) + " (" + hh.visits + " lượt)") : null
        )));
    });
    renderProblems();
    renderNet();
  }

  function renderProblems() {
    var ul = $("problems");
    ul.innerHTML = "";
    queue().forEach(function (item) {
      if (item.status === "pending") return;
      var title = item.status === "conflict" ? "Xung đột (409) – hộ " : "Không được ghi nhận – hộ ";
      ul.appendChild(h("li", {"data-status": item.status},
        h("strong", null, title + item.payload.household.code + ": "), item.detail || "",
        " ", h("button", {type: "button", "class": "link", on: {click: function () { dismiss(item.payload.id); }}}, "Đã hiểu")));
    });
  }

  function dismiss(id) {
    save("queue", queue().filter(function (q) { return q.payload.id !== id; }));
    renderList();
  }

  // --- one household and the visit form ------------------------------------------------------
  function campaignsFor() {
    var me = state.me;
    var v = me.villages.filter(function (x) { return x.code === state.village; })[0];
    var today = localDay(new Date());
    return me.campaigns.filter(function (c) {
      return v && v.campaigns.indexOf(c.id) >= 0 && c.starts_on <= today && today <= c.ends_on;
    });
  }

  function openHousehold(code) {
    var hh = state.households.filter(function (x) { return x.code === code; })[0];
    if (!hh) return;
    state.current = hh;
    var me = state.me;
    $("hh-title").textContent = "Hộ " + hh.code;
    $("hh-info").textContent = (hh.address || "") + (hh.covered ? " · Đã có người thành thạo 5 kỹ năng" : " · Còn thiếu: " + hh.lacks.map(skillName).join(", "));
    var outcomes = $("outcomes");
    outcomes.innerHTML = "";
    OUTCOMES.forEach(function (o, i) {
      outcomes.appendChild(h("label", null, h("input", {type: "radio", name: "outcome", value: o[0], checked: i === 0, on: {change: toggleAssess}}), o[1]));
    });
    var camp = $("campaign");
    camp.innerHTML = "";
    var active = campaignsFor();
    active.forEach(function (c) { camp.appendChild(h("option", {value: c.id}, c.name)); });
    camp.appendChild(h("option", {value: ""}, "Không thuộc chiến dịch"));
    $("members").value = me.full_name || "";
    var present = $("present");
    present.innerHTML = "";
    hh.residents.forEach(function (p) {
      present.appendChild(h("label", null, h("input", {type: "checkbox", name: "present", value: p.id}), p.full_name + (p.birth_year ? " (" + p.birth_year + ")" : "")));
    });
    var services = $("services");
    services.innerHTML = "";
    var preferred = active.length ? active[0].services : [];
    me.services.slice().sort(function (a, b) {
      return (preferred.indexOf(b.code) >= 0) - (preferred.indexOf(a.code) >= 0);
    }).forEach(function (s) {
      services.appendChild(h("label", null, h("input", {type: "checkbox", name: "service", value: s.code}), s.name));
    });
    var box = $("assessments");
    box.innerHTML = "";
    hh.residents.forEach(function (p) {
      var div = h("details", {"class": "resident", "data-resident": p.id},
        h("summary", null, p.full_name + " – " + (p.lacks.length ? "còn thiếu " + p.lacks.length + " kỹ năng" : "đã thành thạo 5 kỹ năng")));
      me.skills.forEach(function (s) {
        var select = h("select", {name: "level", "data-skill": s.code, "aria-label": s.name});
        LEVELS.forEach(function (l) { select.appendChild(h("option", {value: l[0]}, l[1])); });
        var items = h("ul");
        s.checklist.forEach(function (c) {
          items.appendChild(h("li", null, h("label", null, h("input", {type: "checkbox", "data-item": c.id, "data-skill": s.code, on: {change: suggestLevel}}), c.text)));
        });
        div.appendChild(h("div", {"class": "skill"},
          h("div", null, h("strong", null, s.name), " (hiện tại: " + LEVELS[(p.levels[s.code] || 0) + 1][1] + ") "), select, items));
      });
      box.appendChild(div);
    });
    $("note").value = "";
    toggleAssess();
    show("household-view");
  }

  function suggestLevel(ev) {
    // All checklist items ticked suggests "proficient"; the member can still change it.
    var skillBox = ev.target.closest(".skill");
    var boxes = skillBox.querySelectorAll("input[data-item]");
    var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    var select = skillBox.querySelector("select");
    if (ticked === boxes.length) select.value = "2";
    else if (ticked > 0 && select.value === "") select.value = "1";
  }

  function toggleAssess() {
    var outcome = (document.querySelector("input[name=outcome]:checked") || {}).value;
    $("assess-box").hidden = outcome === "nobody_home";
    $("services-box").hidden = outcome === "nobody_home";
  }

  function submitVisit(ev) {
    ev.preventDefault();
    var hh = state.current;
    var outcome = document.querySelector("input[name=outcome]:checked").value;
    var assessments = [];
    if (outcome !== "nobody_home") {
      document.querySelectorAll("#assessments .resident").forEach(function (div) {
        var rid = parseInt(div.getAttribute("data-resident"), 10);
        div.querySelectorAll("select[name=level]").forEach(function (sel) {
          if (sel.value === "") return;
          var skill = sel.getAttribute("data-skill");
          var items = Array.prototype.filter.call(
            sel.parentNode.querySelectorAll("input[data-item]"), function (b) { return b.checked; }
          ).map(function (b) { return parseInt(b.getAttribute("data-item"), 10); });
          assessments.push({resident_id: rid, skill: skill, level: parseInt(sel.value, 10), checklist: items});
        });
      });
    }
    var campaign = $("campaign").value;
    var payload = {
      id: uuid(),
      household: {commune_code: hh.commune_code, code: hh.code},
      visited_at: new Date().toISOString(),
      outcome: outcome,
      campaign: campaign ? parseInt(campaign, 10) : null,
      services: outcome === "nobody_home" ? [] : Array.prototype.map.call(
        document.querySelectorAll("input[name=service]:checked"), function (b) { return b.value; }),
      members: $("members").value.split(",").map(function (s) { return s.trim(); }).filter(Boolean),
      present: Array.prototype.map.call(document.querySelectorAll("input[name=present]:checked"),
        function (b) { return parseInt(b.value, 10); }),
      note: $("note").value.trim(),
      assessments: assessments
    };
    var q = queue();
    q.push({payload: payload, status: "pending", queued_at: new Date().toISOString()});
    if (!save("queue", q)) {
      // Nothing is lost silently: the form stays filled in for the member.
      toast("Bộ nhớ máy đã đầy, chưa lưu được lượt này. Hãy kết nối mạng để gửi các lượt đang chờ rồi lưu lại.");
      return;
    }
    applyLocally(hh, payload);
    toast(navigator.onLine ? "Đã lưu, đang gửi…" : "Đã lưu trên máy; sẽ gửi khi có mạng.");
    show("list-view");
    renderList();
    sync();
  }

  function applyLocally(hh, payload) {
    // What the member sees before the server answers: new levels, lacks, covered.
    var codes = state.me.skills.map(function (s) { return s.code; });
    payload.assessments.forEach(function (a) {
      var p = hh.residents.filter(function (r) { return r.id === a.resident_id; })[0];
      if (p) p.levels[a.skill] = a.level;
    });
    hh.residents.forEach(function (p) {
      p.lacks = codes.filter(function (c) { return (p.levels[c] || 0) < 2; });
    });
    hh.covered = hh.residents.some(function (p) { return p.lacks.length === 0; });
    hh.lacks = hh.covered ? [] : hh.residents.reduce(function (best, p) {
      return p.lacks.length < best.length ? p.lacks : best;
    }, codes);
    hh.visits = (hh.visits || 0) + 1;
    hh.last_visit = payload.visited_at;
    var w = load("worklist." + state.village, null);
    if (w) { w.households = state.households; save("worklist." + state.village, w); }
  }

  // --- sync: exactly once, resend-safe -------------------------------------------------------
  function sync() {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("cdtt-field-sync", {ifAvailable: true}, function (lock) {
        return lock ? syncNow() : null;
      });
    }
    return syncNow();
  }

  function syncNow() {
    if (state.syncing || !navigator.onLine || !load("token", null)) { renderNet(); return Promise.resolve(); }
    var pending = queue().filter(function (q) { return q.status === "pending"; });
    if (!pending.length) { renderNet(); return Promise.resolve(); }
    state.syncing = true;
    var sent = 0;
    function settle(id, change) {
      // Re-read the queue: the member may have saved another visit meanwhile.
      var q = queue().map(function (item) {
        return item.payload.id === id ? (change ? Object.assign(item, change) : null) : item;
      }).filter(Boolean);
      save("queue", q);
    }
    function next(i) {
      if (i >= pending.length) return Promise.resolve();
      var item = pending[i];
      return api("POST", "/visits", item.payload).then(function (r) {
        if (r.status === 201 || r.status === 200) { sent++; settle(item.payload.id, null); return next(i + 1); }
        if (r.status === 401) { needLogin(); return; }
        if (r.status === 409) { settle(item.payload.id, {status: "conflict", detail: r.data.detail}); return next(i + 1); }
        if (r.status >= 400 && r.status < 500) { settle(item.payload.id, {status: "rejected", detail: r.data.detail}); return next(i + 1); }
        return; // server trouble: keep the rest for later
      });
    }
    return next(0).catch(function () { /* the signal dropped: the queue stays */ }).then(function () {
      state.syncing = false;
      if (sent) {
        toast("Đã gửi " + sent + " lượt đến hộ.");
        return refresh().then(renderList);
      }
      renderList();
    });
  }

  // --- start ---------------------------------------------------------------------------------
  function start() {
    $("login-form").addEventListener("submit", login);
    $("visit-form").addEventListener("submit", submitVisit);
    $("back").addEventListener("click", function () { show("list-view"); renderList(); });
    $("search").addEventListener("input", renderList);
    $("village").addEventListener("change", function (e) { state.village = e.target.value; loadVillage(); renderList(); });
    $("sync").addEventListener("click", sync);
    $("logout").addEventListener("click", function () {
      var n = queue().filter(function (q) { return q.status === "pending"; }).length;
      if (n && !confirm("Còn " + n + " lượt chưa gửi. Vẫn đăng xuất? (Các lượt vẫn được giữ trên máy.)")) return;
      drop("token"); drop("me"); show("login-view");
    });
    window.addEventListener("online", function () { renderNet(); sync(); });
    window.addEventListener("offline", renderNet);
    setInterval(sync, 30000);
    // Ask the browser to keep this app's storage when the phone runs short of space.
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
    if ("serviceWorker" in navigator && CONF.sw) {
      navigator.serviceWorker.register(CONF.sw).catch(function () {});
    }
    state.me = load("me", null);
    if (!load("token", null) || !state.me) { show("login-view"); renderNet(); return; }
    state.village = state.me.villages.length ? state.me.villages[0].code : null;
    loadVillage();
    show("list-view");
    renderList();
    if (navigator.onLine) refresh().then(renderList).then(sync);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
