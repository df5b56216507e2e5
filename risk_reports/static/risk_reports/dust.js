// The dust cleaning page a site's code opens (/c/<token>/): one photo, shrunk in the browser with
// its own time (static/js/photo.js), sent to /api/v1/dust-uploads/ through the page's outbox
// (static/js/outbox.js) with a client key made once per upload, so a dead network loses nothing.
(function () {
  "use strict";
  const root = document.getElementById("dust-page");
  const form = document.getElementById("dust-form");
  if (!root || !form || !window.PortalOutbox) return;
  const texts = root.dataset;
  const done = document.getElementById("dust-done");
  const problem = document.getElementById("dust-problem");
  const input = document.getElementById("dust-photo");
  const status = document.getElementById("dust-photo-status");
  const button = document.getElementById("dust-submit");
  let photo = null;
  let preparing = null;

  function say(el, text) {
    el.textContent = text;
    el.classList.toggle("d-none", !text);
  }

  const box = PortalOutbox.open(root, {
    onSent: function (entry, body, immediate) {
      if (!immediate) say(done, texts.sentLater.replace("{label}", entry.label));
    },
  });

  input.addEventListener("change", function () {
    const file = (input.files || [])[0];
    say(status, file ? texts.photosPreparing : "");
    preparing = file ? PortalPhoto.prepare(file).then(function (ready) {
      photo = ready;
      say(status, texts.photosReady.replace("{n}", "1"));
    }) : null;
    if (!file) photo = null;
  });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    say(done, "");
    say(problem, "");
    button.disabled = true;
    try {
      if (preparing) await preparing;
      if (!photo) { say(problem, texts.missing); return; }
      const fields = [["code", texts.code], ["uploaded_at", new Date().toISOString()], ["photo_time", photo.taken || ""]];
      const label = document.getElementById("site-name").textContent.trim();
      const result = await box.add({url: texts.api, label: label, fields: fields, files: [["photo", photo.blob, photo.name]]},
                                   {dropOnRefusal: true});
      if (result.state === "sent") {
        const reason = result.body && result.body.flag_reason_display;
        say(done, texts.done + (reason ? " " + texts.flagged.replace("{reason}", reason) : ""));
      } else if (result.state === "failed") {
        say(problem, result.message);
      } else {
        say(done, result.state === "auth" ? texts.keptSignIn : texts.kept);
      }
      if (result.state !== "failed") { form.reset(); photo = null; say(status, ""); }
    } finally {
      button.disabled = false;
    }
  });
})();
