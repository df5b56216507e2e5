// The scan self-check page (/c/<token>/): big pass/fail toggles per check item, a note box for a
// failed one, photos shrunk in the browser with their own time, and the submission sent to the
// API through the page's outbox (static/js/outbox.js), so a dead network or an expired session
// loses nothing. The client key is made once per submission, when it is submitted.
(function () {
  "use strict";
  const root = document.getElementById("scan-page");
  const form = document.getElementById("scan-form");
  if (!root || !form || !window.PortalOutbox) return;
  const texts = root.dataset;
  const done = document.getElementById("scan-done");
  const problem = document.getElementById("scan-problem");
  const photoInput = document.getElementById("scan-photos");
  const photoStatus = document.getElementById("scan-photo-status");
  const button = document.getElementById("scan-submit");
  let photos = [];          // prepared photos: {blob, name, taken}
  let preparing = null;

  function say(el, text) {
    el.textContent = text;
    el.classList.toggle("d-none", !text);
  }

  function sync(item) {
    const checked = item.querySelector("input[data-answer]:checked");
    item.querySelector(".scan-note").classList.toggle("d-none", !checked || checked.value !== "false");
  }

  const box = PortalOutbox.open(root, {
    onSent: function (entry, body, immediate) {
      // a submission sent later (network back, page opened again): say so
      if (!immediate) say(done, texts.sentLater.replace("{label}", entry.label));
    },
  });

  form.addEventListener("change", function (event) {
    if (event.target.matches("input[data-answer]")) {
      const item = event.target.closest(".scan-item");
      item.classList.remove("border-danger");
      sync(item);
    }
  });

  document.getElementById("scan-all-ok").addEventListener("click", function () {
    form.querySelectorAll(".scan-item").forEach(function (item) {
      if (!item.querySelector("input[data-answer]:checked")) {
        item.querySelector('input[data-answer][value="true"]').checked = true;
        sync(item);
      }
    });
  });

  if (photoInput) {
    photoInput.addEventListener("change", function () {
      const files = Array.from(photoInput.files || []);
      say(photoStatus, files.length ? texts.photosPreparing : "");
      preparing = Promise.all(files.map(PortalPhoto.prepare)).then(function (ready) {
        photos = ready;
        say(photoStatus, ready.length ? texts.photosReady.replace("{n}", String(ready.length)) : "");
      });
    });
  }

  function results() {
    const found = [];
    const missing = [];
    form.querySelectorAll(".scan-item").forEach(function (item) {
      const checked = item.querySelector("input[data-answer]:checked");
      const note = item.querySelector("textarea").value.trim();
      if (!checked || (checked.value === "false" && !note)) {
        missing.push(item);
        return;
      }
      found.push({item: item.dataset.item, ok: checked.value === "true", note: checked.value === "false" ? note : ""});
    });
    return {found: found, missing: missing};
  }

  function reset() {
    form.reset();
    photos = [];
    say(photoStatus, "");
    form.querySelectorAll(".scan-item").forEach(sync);
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    say(done, "");
    say(problem, "");
    const answers = results();
    if (answers.missing.length) {
      answers.missing.forEach(function (item) { item.classList.add("border-danger"); });
      say(problem, texts.incomplete);
      answers.missing[0].scrollIntoView({block: "center"});
      return;
    }
    button.disabled = true;
    try {
      if (preparing) await preparing;
      const now = new Date();
      const fields = [["code", texts.code], ["done_at", now.toISOString()], ["results", JSON.stringify(answers.found)]];
      const files = [];
      photos.forEach(function (photo) {
        files.push(["photos", photo.blob, photo.name]);
        fields.push(["photo_times", photo.taken || ""]);
      });
      const failed = answers.found.filter(function (r) { return !r.ok; }).length;
      const label = document.getElementById("point-name").textContent.trim() + (failed ? " · " + texts.failedLabel.replace("{n}", String(failed)) : "");
      const result = await box.add({url: texts.api, label: label, fields: fields, files: files}, {dropOnRefusal: true});
      if (result.state === "sent") {
        const hazards = (result.body && result.body.hazards) || [];
        say(done, texts.done + (hazards.length ? " " + texts.hazards.replace("{n}", String(hazards.length)) : ""));
        reset();
      } else if (result.state === "failed") {
        say(problem, result.message);
      } else {
        // kept in the outbox: offline, the server unreachable, or the session over (the panel says which)
        say(done, result.state === "auth" ? texts.keptSignIn : texts.kept);
        reset();
      }
    } finally {
      button.disabled = false;
    }
  });

  form.querySelectorAll(".scan-item").forEach(sync);
})();
