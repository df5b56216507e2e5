// A reusable outbox for submissions made where the network is poor (shop floors, field visits).
// No service worker (plain-HTTP intranets have none): the page keeps what it could not send in
// IndexedDB — photos included, as Blobs — lists it, and sends it when the network returns (the
// 'online' event), when the page is opened again, or when the user taps "send now". Each
// submission carries a client key generated once, sent as the Idempotency-Key header (and kept in
// its form fields when the form has one), so the server records it exactly once however often it
// is sent.
//
// What an answer means:
//   2xx                                  sent: removed from the outbox
//   401, 403 "not_authenticated", a redirect to the sign-in page, or a 403 that is not JSON (a
//   CSRF refusal after the session changed)
//                                        the session has expired: the page asks the user to sign
//                                        in (the link comes back here, and the page sends then)
//   408, 429, 5xx, no answer             kept and retried (on the events above, and every minute
//                                        while the browser says it is online)
//   any other 4xx                        refused: kept as failed with its message and a remove
//                                        button, never retried
//
// A page opts in with markup (templates/portal/_outbox.html draws the panel):
//   <div data-outbox="scans" data-user="12" data-login="/accounts/login/?next=/c/x/"> ...
// and its script calls
//   const box = PortalOutbox.open(root, {onSent: function (entry, body) {...}});
//   box.add({url, label, key, fields: [[name, text]], files: [[name, blob, filename]]}, {immediate: true})
//     -> Promise of {state: "sent" | "waiting" | "auth" | "failed", body, message}
(function () {
  "use strict";

  const DB_NAME = "portal-outbox";
  const STORE = "entries";

  function openDb() {
    return new Promise(function (resolve, reject) {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        const store = request.result.createObjectStore(STORE, {keyPath: "id", autoIncrement: true});
        store.createIndex("box", "box");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(db, mode, work) {
    return new Promise(function (resolve, reject) {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
    });
  }

  function newKey() {
    const bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);  // crypto.randomUUID needs a secure context; this does not
    return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    // read at send time: signing in again rotates the token the page was drawn with
    const cookie = document.cookie.split("; ").find(function (c) { return c.indexOf("csrftoken=") === 0; });
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function messageOf(body, fallback) {
    if (!body) return fallback;
    const parts = [];
    if (body.detail) parts.push(body.detail);
    Object.keys(body.fields || {}).forEach(function (name) {
      (body.fields[name] || []).forEach(function (m) { if (parts.indexOf(m) < 0) parts.push(m); });
    });
    (body.messages || []).forEach(function (m) { if (parts.indexOf(m) < 0) parts.push(m); });
    return parts.join(" ") || fallback;
  }

  async function transmit(entry, loginPath) {
    const data = new FormData();
    entry.fields.forEach(function (f) { data.append(f[0], f[1]); });
    entry.files.forEach(function (f) { data.append(f[0], f[1], f[2]); });
    data.set("csrfmiddlewaretoken", csrfToken());
    let response;
    try {
      response = await fetch(entry.url, {
        method: "POST", body: data, credentials: "same-origin",
        headers: {"Idempotency-Key": entry.key, "X-CSRFToken": csrfToken(), "Accept": "application/json",
                  "X-Outbox": "1"}});
    } catch (error) {
      return {state: "waiting", offline: true};
    }
    if (response.redirected && new URL(response.url).pathname === loginPath) return {state: "auth"};
    let body = null;
    try { body = await response.clone().json(); } catch (error) { body = null; }
    if (response.ok) return {state: "sent", body: body};
    if (response.status === 401) return {state: "auth"};
    if (response.status === 403 && (!body || body.code === "not_authenticated")) return {state: "auth"};
    if (response.status === 408 || response.status === 429 || response.status >= 500) return {state: "waiting"};
    return {state: "failed", body: body, message: messageOf(body, response.status + " " + response.statusText)};
  }

  function open(root, options) {
    options = options || {};
    const name = root.dataset.outbox;
    const user = root.dataset.user || "";
    const loginUrl = root.dataset.login || "/accounts/login/";
    const loginPath = new URL(loginUrl, window.location.href).pathname;
    const panel = document.getElementById("outbox");
    const texts = (document.getElementById("outbox-texts") || {dataset: {}}).dataset;
    let dbPromise = null;
    let busy = null;
    let needsSignIn = false;
    const inFlight = new Set();  // an entry being sent by add() is not sent again by flush()

    function db() {
      if (!dbPromise) dbPromise = openDb();
      return dbPromise;
    }

    async function entries() {
      let found = [];
      try {
        found = await run(await db(), "readonly", function (store) { return store.index("box").getAll(name); });
      } catch (error) {
        return [];  // no IndexedDB: nothing is kept, nothing waits
      }
      return (found || []).filter(function (e) { return e.user === user; }).sort(function (a, b) { return a.id - b.id; });
    }

    async function put(entry) {
      return run(await db(), "readwrite", function (store) { return store.put(entry); });
    }

    async function remove(id) {
      return run(await db(), "readwrite", function (store) { return store.delete(id); });
    }

    async function render() {
      if (!panel) return;
      const all = await entries();
      const waiting = all.filter(function (e) { return e.state !== "failed"; });
      document.getElementById("outbox-count").textContent = String(waiting.length);
      panel.classList.toggle("d-none", all.length === 0 && !needsSignIn);
      document.getElementById("outbox-send").classList.toggle("d-none", waiting.length === 0);
      const signin = document.getElementById("outbox-signin");
      signin.classList.toggle("d-none", !needsSignIn);
      document.getElementById("outbox-signin-link").href = loginUrl;
      const list = document.getElementById("outbox-list");
      const template = document.getElementById("outbox-item");
      list.replaceChildren();
      all.forEach(function (entry) {
        const item = template.content.firstElementChild.cloneNode(true);
        item.dataset.entry = String(entry.id);
        item.dataset.state = entry.state;
        item.querySelector(".outbox-label").textContent = entry.label || "";
        item.querySelector(".outbox-time").textContent =
          new Date(entry.created).toLocaleString() + " · " + (entry.state === "failed" ? texts.failed : texts.waiting);
        item.querySelector(".outbox-message").textContent = entry.message || "";
        const button = item.querySelector(".outbox-remove");
        button.classList.toggle("d-none", entry.state !== "failed");
        list.append(item);
      });
    }

    async function sendOne(entry, immediate) {
      if (inFlight.has(entry.id)) return {state: "busy"};
      inFlight.add(entry.id);
      let result;
      try {
        result = await transmit(entry, loginPath);
      } finally {
        inFlight.delete(entry.id);
      }
      if (result.state === "sent") {
        await remove(entry.id);
        if (options.onSent) options.onSent(entry, result.body || {}, Boolean(immediate));
      } else if (result.state === "failed") {
        entry.state = "failed";
        entry.message = result.message;
        await put(entry);
      } else if (result.state === "auth") {
        needsSignIn = true;
      }
      return result;
    }

    // sends every waiting entry of this user, one at a time; stops at the first that cannot go.
    // Asked again while a pass runs (the network came back while the last pass was failing
    // offline), it runs one more pass after it, so the 'online' event is never lost.
    let again = false;
    function flush() {
      if (busy) {
        again = true;
        return busy;
      }
      busy = (async function () {
        try {
          for (const entry of await entries()) {
            if (entry.state === "failed") continue;
            const result = await sendOne(entry);
            if (result.state === "auth" || result.state === "waiting") break;
            needsSignIn = false;
          }
        } finally {
          busy = null;
          await render();
        }
        if (again) {
          again = false;
          await flush();
        }
      })();
      return busy;
    }

    // stores the submission first (nothing is lost if the page dies mid-send), then sends it;
    // ``dropOnRefusal``: the user is still on the form, so a refusal is shown there and not kept
    async function add(submission, opts) {
      opts = opts || {};
      const entry = {
        box: name, user: user, url: submission.url, key: submission.key || newKey(), label: submission.label || "",
        created: Date.now(), state: "waiting", message: "", fields: submission.fields || [],
        files: submission.files || []};
      try {
        entry.id = await put(entry);
      } catch (error) {
        // no IndexedDB here (a private window, storage refused): send it now, keep nothing
        const direct = await transmit(entry, loginPath);
        if (direct.state === "sent" && options.onSent) options.onSent(entry, direct.body || {}, true);
        return direct;
      }
      if (busy) await busy;
      const result = await sendOne(entry, true);
      if (result.state === "failed" && opts.dropOnRefusal) await remove(entry.id);
      if (result.state === "sent" || result.state === "failed") needsSignIn = false;
      await render();
      if (result.state === "sent" || result.state === "failed") flush();  // the network is up: send the rest
      return result;
    }

    if (panel) {
      document.getElementById("outbox-send").addEventListener("click", function () { needsSignIn = false; flush(); });
      document.getElementById("outbox-list").addEventListener("click", async function (event) {
        const button = event.target.closest(".outbox-remove");
        if (!button) return;
        if (texts.confirmRemove && !window.confirm(texts.confirmRemove)) return;
        await remove(Number(button.closest("[data-entry]").dataset.entry));
        render();
      });
    }
    window.addEventListener("online", function () { flush(); });
    // a server error or a dropped answer while the phone stays online: try again now and then
    window.setInterval(function () { if (navigator.onLine && !needsSignIn) flush(); }, 60000);
    render().then(flush);  // the page opened again: send what waits
    return {add: add, flush: flush, entries: entries, render: render, newKey: newKey};
  }

  window.PortalOutbox = {open: open, newKey: newKey};
})();
