// The self-check fill page (/inspections/self-checks/<id>/fill/) on a phone: the answers and each
// item's photo (shrunk in the browser, static/js/photo.js) go to /api/v1/self-checks/<id>/submit/
// through the page's outbox (static/js/outbox.js) under the form's client key, so a dead network
// loses nothing and a retry is recorded once. Without JavaScript the form posts itself, under the
// same key; either way the server says what is missing, in Chinese.
(function () {
  "use strict";
  const root = document.getElementById("self-check-page");
  const form = document.getElementById("self-check-form");
  if (!root || !form || !window.PortalOutbox || !window.PortalPhoto) return;
  const texts = root.dataset;
  const done = document.getElementById("self-check-done");
  const problem = document.getElementById("self-check-problem");
  const button = document.getElementById("self-check-submit");

  function say(el, text) {
    el.textContent = text;
    el.classList.toggle("d-none", !text);
  }

  const box = PortalOutbox.open(root, {
    onSent: function (entry, body, immediate) {
      if (immediate) window.location.assign(texts.detail);
      else say(done, texts.sentLater.replace("{label}", entry.label));
    },
  });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    say(done, "");
    say(problem, "");
    button.disabled = true;
    try {
      const answers = [];
      const files = [];
      for (const item of form.querySelectorAll("[data-item]")) {
        const code = item.dataset.item;
        const picked = item.querySelector("input[type=radio]:checked");
        const note = item.querySelector("textarea");
        answers.push({item: code, result: picked ? picked.value : "", note: note ? note.value : ""});
        const input = item.querySelector("input[type=file]");
        const file = input && input.files && input.files[0];
        if (file) {
          const ready = await PortalPhoto.prepare(file);
          files.push(["photo_" + code, ready.blob, ready.name]);
        }
      }
      const key = form.querySelector("input[name=client_key]").value;
      const result = await box.add({url: texts.api, key: key, label: texts.label,
                                    fields: [["answers", JSON.stringify(answers)]], files: files},
                                   {dropOnRefusal: true});
      if (result.state === "failed") say(problem, result.message);
      else if (result.state !== "sent") say(done, result.state === "auth" ? texts.keptSignIn : texts.kept);
    } finally {
      button.disabled = false;
    }
  });
})();
