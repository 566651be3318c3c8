/* Field app of the Community Digital Technology Teams: worklist, visit form, offline queue.
 *
 * Plain JS, no build step. State lives in localStorage: the bearer token, what /me returned,
 * each village's worklist with its version (the ETag the server gave it), and the queue of
 * visits waiting to be sent. Every visit carries a UUID made on the phone, so a resend (double
 * tap, lost answer, two phones) is recognised by the server and never stored twice; a 409
 * (same UUID, other content) is shown to the member.
 *
 * Made for a slow line: a member signed in to the site gets a token from the session (no
 * second password); the cached copy shows at once; a refresh asks each village "changed since
 * my copy?" (If-None-Match, 304 when not), the shown village first; a visit sent updates the
 * copy from the visit's own answer instead of downloading the worklists again.
 */
(function () {
  "use strict";

  var DATA = document.body.dataset;  // the script is deferred: the body is there
  var CONF = {api: DATA.api || "/api/v1", sw: DATA.sw || ""};
  window.CDTT_FIELD = CONF;  // the attendance module reads it too
  var PAGE = 40;  // households drawn at a time: a long list stays light on a cheap phone
  var ALL = "*";  // the village selector's "every village"
  var KEY = "cdtt.field.";
  var OUTCOMES = [
    ["guided", "Đã hướng dẫn"],
    ["come_back_later", "Hẹn quay lại"],
    ["nobody_home", "Không có ai ở nhà"],
    ["refused", "Từ chối"]
  ];
  var LEVELS = [["", "Không đánh giá"], ["0", "Chưa biết"], ["1", "Cơ bản"], ["2", "Thành thạo"]];
  var state = {me: null, village: null, households: [], current: null, syncing: false,
    shown: PAGE, loading: null};

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
      if (k && k.indexOf(KEY + "worklist.") === 0 && k !== KEY + "worklist." + state.village &&
          !isMine(k.slice((KEY + "worklist.").length))) {
        localStorage.removeItem(k);
      }
    }
    try { localStorage.setItem(KEY + name, text); return true; } catch (e) { return false; }
  }
  function drop(name) { localStorage.removeItem(KEY + name); }
  function isMine(code) {
    // In "every village" mode, the member's own villages are all on screen: they stay.
    return state.village === ALL && !!state.me && state.me.villages.some(function (v) { return v.code === code; });
  }
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
  function toastClear() { clearTimeout(toast.timer); $("toast").hidden = true; }
  function show(view) {
    ["login-view", "list-view", "household-view"].forEach(function (v) { $(v).hidden = v !== view; });
    $("logout").hidden = view === "login-view";
    window.scrollTo(0, 0);
  }

  // --- network -------------------------------------------------------------------------------
  function api(method, path, body, extra) {
    var headers = {"Accept": "application/json"};
    var token = load("token", null);
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    for (var k in extra || {}) headers[k] = extra[k];
    return fetch(CONF.api + path, {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store", credentials: "same-origin"
    }).then(function (r) {
      if (r.status === 304) {
        // Read the empty body all the same: the answer is then done and its connection free.
        return r.text().catch(function () { return ""; }).then(function () {
          return {status: 304, data: null, etag: r.headers.get("ETag")};
        });
      }
      return r.json().catch(function () { return {}; }).then(function (data) {
        return {status: r.status, data: data, etag: r.headers.get("ETag")};
      });
    });
  }
  function cookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }

  function renderNet() {
    var net = $("net");
    net.textContent = navigator.onLine ? "●" : "○";
    net.appendChild(h("span", {"class": "net-text"}, navigator.onLine ? " Có mạng" : " Mất mạng"));
    $("offline-note").hidden = navigator.onLine;
    var n = queue().filter(function (q) { return q.status === "pending"; }).length;
    $("queue-count").textContent = n;
    $("sync").disabled = n === 0;  // always in view: the count is what the member watches
  }

  // --- login and data ------------------------------------------------------------------------
  function login(ev) {
    ev.preventDefault();
    var f = ev.target;
    $("login-error").textContent = "";
    if (!navigator.onLine) { $("login-error").textContent = "Cần có mạng để đăng nhập lần đầu."; return; }
    var button = f.querySelector("button[type=submit]");
    button.disabled = true;
    state.signingIn = true;
    $("login-status").textContent = "Đang đăng nhập…";
    api("POST", "/auth/token", {username: f.username.value.trim(), password: f.password.value})
      .then(function (r) {
        if (r.status !== 200) throw new Error(r.data.detail || "Đăng nhập không thành công.");
        save("token", r.data.token);
        drop("signed_out");
        f.password.value = "";
        return signedIn();
      })
      .catch(function (e) {
        state.signingIn = false;
        $("login-error").textContent = e.message || "Không kết nối được máy chủ.";
      })
      .then(function () { button.disabled = false; $("login-status").textContent = ""; });
  }

  function sessionToken() {
    // A member signed in to the site: a token from the session, without the password again.
    return api("POST", "/auth/session-token", {}, {"X-CSRFToken": cookie("csrftoken")})
      .then(function (r) {
        if (r.status !== 200 || state.signingIn) return false;  // the member typed faster
        save("token", r.data.token);
        return true;
      }).catch(function () { return false; });
  }

  function signedIn() {
    // The list shows at once, with the progress of the download; each village as it arrives.
    show("list-view");
    renderList();
    return refresh().then(function () { renderList(); sync(); });
  }

  function getMe() {
    var held = load("me", null);
    var etag = held && load("me.etag", null);
    return api("GET", "/me", undefined, etag ? {"If-None-Match": etag} : null).then(function (r) {
      if (r.status === 401) { needLogin(); throw new Error("401"); }
      if (r.status === 304) return held;
      if (r.status !== 200) return held;
      save("me", r.data); save("me.etag", r.etag);
      return r.data;
    });
  }

  function fetchVillage(code, first) {
    // Asks whether the village changed since the phone's copy: 304 costs a few bytes. With no
    // copy yet, the shown village's first screen comes first, in a few KB; then the whole.
    var held = load("worklist." + code, null);
    var path = "/worklist?village=" + encodeURIComponent(code);
    var extra = held && held.etag ? {"If-None-Match": held.etag} : null;
    var head = first && !held ? api("GET", path + "&limit=" + PAGE).then(function (w) {
      if (w.status !== 200 || load("worklist." + code, null)) return;
      w.data.partial = true;
      save("worklist." + code, w.data);
      if (state.village === ALL || state.village === code) { loadVillage(); renderList(); }
    }) : Promise.resolve();
    return head.then(function () {
      return api("GET", path, undefined, extra);
    }).then(function (w) {
      if (w.status !== 200) return false;
      w.data.etag = w.etag;
      save("worklist." + code, w.data);
      return true;
    });
  }

  function refresh() {
    // Who I am, then the shown village first (it appears as soon as it arrives), then the rest.
    return getMe().then(function (me) {
      if (!me) return;
      state.me = me;
      var codes = me.villages.map(function (v) { return v.code; });
      pickVillage();
      var first = codes.indexOf(state.village) >= 0 ? state.village : codes[0];
      var order = first ? [first].concat(codes.filter(function (c) { return c !== first; })) : [];
      state.loading = {done: 0, total: order.length};
      renderList();
      function arrived(code, changed) {
        state.loading.done++;
        if (changed && (state.village === ALL || state.village === code)) { loadVillage(); renderList(); }
        else renderProgress();
      }
      if (!order.length) return;
      return fetchVillage(order[0], true).then(function (changed) {
        arrived(order[0], changed);
        return Promise.all(order.slice(1).map(function (c) {
          return fetchVillage(c).then(function (changed) { arrived(c, changed); });
        }));
      });
    }).catch(function () { /* offline: cached data stays */ }).then(function () {
      state.loading = null;
      loadVillage();
      renderProgress();
      document.body.setAttribute("data-refreshed", String(Date.now()));  // checked with the server
    });
  }

  function needLogin() {
    drop("token");
    show("login-view");
    $("login-error").textContent = "Phiên đăng nhập đã hết hạn; hãy đăng nhập lại (các lượt chưa gửi vẫn được giữ).";
  }

  function pickVillage() {
    // The village shown last, while it is still the member's; else the first.
    var codes = state.me ? state.me.villages.map(function (v) { return v.code; }) : [];
    if (state.village === ALL && codes.length > 1) return;
    if (codes.indexOf(state.village) < 0) state.village = codes.length ? codes[0] : null;
  }

  function villageCodes() {
    if (!state.me) return [];
    if (state.village === ALL) return state.me.villages.map(function (v) { return v.code; });
    return state.village ? [state.village] : [];
  }

  function loadVillage() {
    var list = [];
    state.partial = false;
    villageCodes().forEach(function (code) {
      var w = load("worklist." + code, null);
      if (w && w.partial) state.partial = true;  // its first screen only, the rest on its way
      (w ? w.households : []).forEach(function (hh) { hh._v = code; list.push(hh); });
    });
    if (state.village === ALL) {
      list.sort(function (a, b) {
        return (a.covered - b.covered) || (a.lacks.length - b.lacks.length) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
      });
    }
    state.households = list;
  }

  // --- the worklist --------------------------------------------------------------------------
  function renderVillages() {
    var me = state.me;
    var sel = $("village");
    sel.innerHTML = "";
    var villages = me ? me.villages : [];
    villages.forEach(function (v) {
      sel.appendChild(h("option", {value: v.code, selected: v.code === state.village}, v.name + (v.commune ? " – " + v.commune : "")));
    });
    if (villages.length > 1) {
      sel.appendChild(h("option", {value: ALL, selected: state.village === ALL}, "Tất cả " + villages.length + " thôn"));
    }
    sel.hidden = villages.length < 2;
  }

  function renderProgress() {
    var p = $("progress");
    var l = state.loading;
    p.hidden = !l;
    if (!l) return;
    $("progress-bar").max = Math.max(l.total, 1);
    $("progress-bar").value = l.done;
    $("progress-text").textContent = "Đang tải danh sách hộ: " + l.done + "/" + l.total + " thôn…";
  }

  function renderList() {
    var me = state.me;
    renderVillages();
    var q = fold($("search").value);
    var items = state.households.filter(function (hh) {
      if (!q) return true;
      if (fold(hh.code).indexOf(q) >= 0) return true;
      return hh.residents.some(function (p) { return fold(p.full_name).indexOf(q) >= 0; });
    });
    var covered = state.households.filter(function (x) { return x.covered; }).length;
    var total = state.households.length;
    var shown = Math.min(items.length, state.shown);
    var partial = state.partial;
    $("count").textContent = total
      ? (q ? items.length + " hộ khớp · " : "") + "Hiển thị " + shown + "/" + items.length + " hộ · " +
        (total - covered) + " hộ chưa đạt" + (partial ? " · đang tải thêm…" : "")
      : "";
    $("summary").textContent = total
      ? (partial ? "Đang tải toàn bộ danh sách hộ của thôn…"
        : covered + "/" + total + " hộ đã có người thành thạo 5 kỹ năng")
      : (state.loading ? "Đang tải danh sách hộ…" : me && me.villages.length
        ? "Chưa có dữ liệu hộ của thôn. Khi có mạng, ứng dụng sẽ tự tải về."
        : "Bạn chưa được phân công thôn nào. Hãy nhờ tổ trưởng thêm bạn vào tổ của thôn.");
    var ul = $("households");
    ul.innerHTML = "";
    var pending = {};
    queue().forEach(function (item) { if (item.status === "pending") pending[item.payload.household.code] = true; });
    items.slice(0, shown).forEach(function (hh) {
      var head = hh.residents[0];
      var status = hh.covered ? h("span", {"class": "badge"}, "Đã đạt")
        : h("span", {"class": "badge no"}, "Chưa đạt");
      ul.appendChild(h("li", {"data-code": hh.code},
        h("button", {type: "button", on: {click: function () { openHousehold(hh._v, hh.code); }}},
          h("span", {"class": "code"}, hh.code), " ", status,
          pending[hh.code] ? h("span", {"class": "badge wait"}, " chờ gửi") : null,
          h("div", null, head ? head.full_name : "", hh.address ? " · " + hh.address : ""),
          hh.covered ? null : h("div", {"class": "lacks"}, "Còn thiếu: " + hh.lacks.map(skillName).join(", ")),
          hh.last_visit ? h("div", {"class": "muted"}, "Lần đến gần nhất: " + ddmmyyyy(hh.last_visit) + " (" + hh.visits + " lượt)") : null
        )));
    });
    if (shown && !renderList.marked && window.performance && performance.mark) {
      // When the first household reached the screen, since the page was opened.
      renderList.marked = true;
      performance.mark("cdtt-first-household");
    }
    var more = $("more");
    var left = items.length - shown;
    more.hidden = left <= 0;
    more.textContent = "Xem thêm " + Math.min(left, PAGE) + " hộ (còn " + left + ")";
    renderProgress();
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
    var code = state.current ? state.current._v : state.village;
    var v = me.villages.filter(function (x) { return x.code === code; })[0];
    var today = localDay(new Date());
    return me.campaigns.filter(function (c) {
      return v && v.campaigns.indexOf(c.id) >= 0 && c.starts_on <= today && today <= c.ends_on;
    });
  }

  function openHousehold(village, code) {
    var hh = state.households.filter(function (x) { return x._v === village && x.code === code; })[0];
    if (!hh) return;
    toastClear();  // the last household's "sent" belongs to the last household
    state.current = hh;
    var me = state.me;
    $("hh-title").textContent = "Hộ " + hh.code;
    $("hh-info").textContent = (hh.address || "") + (hh.covered ? " · Đã có người thành thạo 5 kỹ năng" : " · Còn thiếu: " + hh.lacks.map(skillName).join(", "));
    var outcomes = $("outcomes");
    outcomes.innerHTML = "";
    OUTCOMES.forEach(function (o, i) {
      outcomes.appendChild(h("label", null, h("input", {type: "radio", name: "outcome", value: o[0], checked: i === 0, on: {change: toggleOutcome}}), o[1]));
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
      // The skills the resident still lacks come first; those already proficient last.
      me.skills.slice().sort(function (a, b) {
        return ((p.levels[a.code] || 0) >= 2) - ((p.levels[b.code] || 0) >= 2);
      }).forEach(function (s) {
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
    toggleOutcome();
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

  // What each outcome needs asked: nobody home, nobody to list; guiding and assessing only
  // when the household was guided.
  var ASKS = {
    guided: {present: true, services: true, assess: true},
    come_back_later: {present: true, services: false, assess: false},
    refused: {present: true, services: false, assess: false},
    nobody_home: {present: false, services: false, assess: false}
  };
  function outcomeNow() { return (document.querySelector("input[name=outcome]:checked") || {}).value; }
  function asks() { return ASKS[outcomeNow()] || ASKS.guided; }
  function toggleOutcome() {
    var a = asks();
    $("present-box").hidden = !a.present;
    $("services-box").hidden = !a.services;
    $("assess-box").hidden = !a.assess;
  }

  function submitVisit(ev) {
    ev.preventDefault();
    var hh = state.current;
    var outcome = outcomeNow();
    var need = asks();
    var assessments = [];
    if (need.assess) {
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
      services: !need.services ? [] : Array.prototype.map.call(
        document.querySelectorAll("input[name=service]:checked"), function (b) { return b.value; }),
      members: $("members").value.split(",").map(function (s) { return s.trim(); }).filter(Boolean),
      present: !need.present ? [] : Array.prototype.map.call(document.querySelectorAll("input[name=present]:checked"),
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
    keep(hh);
  }

  function keep(hh) {
    // Writes one household back into its village's stored copy.
    var w = load("worklist." + hh._v, null);
    if (!w) return;
    w.households = w.households.map(function (x) { return x.code === hh.code ? hh : x; });
    // The copy now holds what the server may never store (a visit it could refuse): its
    // version no longer names it, and the next refresh takes the server's word again.
    delete w.etag;
    save("worklist." + hh._v, w);
  }

  function applyAnswer(answer) {
    // The server's word on a visit sent: the household's coverage and the levels it stored.
    // The phone's copy is updated from it; nothing is downloaded again.
    if (!answer || !answer.household || !state.me) return;
    var codes = state.me.skills.map(function (s) { return s.code; });
    state.me.villages.forEach(function (v) {
      var w = load("worklist." + v.code, null);
      if (!w) return;
      var hh = w.households.filter(function (x) {
        return x.code === answer.household.code && x.commune_code === answer.household.commune_code;
      })[0];
      if (!hh) return;
      (answer.assessments || []).forEach(function (a) {
        var p = hh.residents.filter(function (r) { return r.id === a.resident_id; })[0];
        if (p) { p.levels[a.skill] = a.level; p.lacks = codes.filter(function (c) { return (p.levels[c] || 0) < 2; }); }
      });
      hh.covered = answer.household.covered;
      if (hh.covered) hh.lacks = [];
      save("worklist." + v.code, w);
    });
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
        if (r.status === 201 || r.status === 200) {
          sent++; applyAnswer(r.data); settle(item.payload.id, null); return next(i + 1);
        }
        if (r.status === 401) { needLogin(); return; }
        if (r.status === 409) { settle(item.payload.id, {status: "conflict", detail: r.data.detail}); return next(i + 1); }
        if (r.status >= 400 && r.status < 500) { settle(item.payload.id, {status: "rejected", detail: r.data.detail}); return next(i + 1); }
        return; // server trouble: keep the rest for later
      });
    }
    return next(0).catch(function () { /* the signal dropped: the queue stays */ }).then(function () {
      state.syncing = false;
      if (sent) {
        loadVillage();
        if (!$("list-view").hidden) toast("Đã gửi " + sent + " lượt đến hộ.");
      }
      if (!$("list-view").hidden) renderList(); else renderNet();
    });
  }

  // --- start ---------------------------------------------------------------------------------
  function resetPage() { state.shown = PAGE; }

  function start() {
    $("login-form").addEventListener("submit", login);
    $("visit-form").addEventListener("submit", submitVisit);
    $("back").addEventListener("click", function () { toastClear(); show("list-view"); renderList(); });
    $("search").addEventListener("input", function () { resetPage(); renderList(); });
    $("village").addEventListener("change", function (e) {
      state.village = e.target.value; save("village", state.village); resetPage(); loadVillage(); renderList();
    });
    $("more").addEventListener("click", function () { state.shown += PAGE; renderList(); });
    $("sync").addEventListener("click", sync);
    $("logout").addEventListener("click", function () {
      var n = queue().filter(function (q) { return q.status === "pending"; }).length;
      if (n && !confirm("Còn " + n + " lượt chưa gửi. Vẫn đăng xuất? (Các lượt vẫn được giữ trên máy.)")) return;
      // Signed out here stays signed out: the site's session no longer signs the app in.
      drop("token"); drop("me"); drop("me.etag"); save("signed_out", true); show("login-view");
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
    renderNet();
    if (!load("token", null) || !state.me) {
      // The form at once; a member signed in to the site is taken past it when the session
      // answers (no wait for the others on a slow line).
      show("login-view");
      if (!navigator.onLine || load("signed_out", false)) return;
      sessionToken().then(function (ok) {
        if (ok) return signedIn();
      });
      return;
    }
    state.village = load("village", null);
    pickVillage();
    loadVillage();
    show("list-view");
    renderList();
    if (navigator.onLine) refresh().then(renderList).then(sync);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
