// The inspection field form: a non-compliant answer opens the item's finding fields; "mark the
// rest compliant" answers every unanswered item; the submit button is disabled once tapped (the
// server's client key makes a second submission harmless anyway); the page's outbox sends it.
(function () {
  const form = document.getElementById("inspection-form");
  if (!form) return;

  function sync(item) {
    const checked = item.querySelector("input[data-answer]:checked");
    const finding = item.querySelector(".finding");
    if (finding) finding.classList.toggle("d-none", !checked || checked.value !== "fail");
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("input[data-answer]")) {
      const item = event.target.closest(".checklist-item");
      item.classList.remove("border", "border-danger");
      sync(item);
    }
  });

  const rest = document.getElementById("rest-compliant");
  if (rest) {
    rest.addEventListener("click", function () {
      form.querySelectorAll(".checklist-item").forEach(function (item) {
        if (!item.querySelector("input[data-answer]:checked")) {
          const pass = item.querySelector('input[data-answer][value="pass"]');
          if (pass) pass.checked = true;
          sync(item);
        }
      });
    });
  }

  form.querySelectorAll(".checklist-item").forEach(sync);

  // The outbox (static/js/outbox.js): the form is sent by the page, and kept on the device — photos
  // included — while the network is down or the session has expired; its client key (the form's
  // hidden field) records it once. A refusal on the spot submits the form normally, so the server
  // draws its errors on it.
  const root = document.getElementById("inspection-outbox");
  const button = document.getElementById("submit-inspection");
  if (!root || !window.PortalOutbox) {
    form.addEventListener("submit", function () {
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    });
    return;
  }
  const kept = document.getElementById("inspection-kept");
  function say(text) {
    kept.textContent = text;
    kept.classList.toggle("d-none", !text);
  }
  const box = PortalOutbox.open(root, {
    onSent: function (entry, body, immediate) {
      if (!immediate) say(root.dataset.sentLater);
    },
  });
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (button) button.disabled = true;
    const fields = [];
    const files = [];
    let key = "";
    for (const [name, value] of new FormData(form).entries()) {
      if (value instanceof File) {
        if (value.size > 0) files.push([name, value, value.name]);
      } else {
        if (name === "client_key") key = value;
        fields.push([name, value]);
      }
    }
    const url = form.getAttribute("action") || window.location.href;
    const result = await box.add({url: url, key: key || undefined, label: root.dataset.label, fields: fields,
                                  files: files}, {dropOnRefusal: true});
    if (result.state === "sent" && result.body && result.body.location) {
      window.location.assign(result.body.location);
    } else if (result.state === "failed") {
      HTMLFormElement.prototype.submit.call(form);  // the server draws the errors on the form
    } else {
      say(result.state === "auth" ? root.dataset.keptSignIn : root.dataset.kept);
    }
  });
})();
