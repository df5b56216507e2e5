// The inspection field form: a non-compliant answer opens the item's finding fields; "mark the
// rest compliant" answers every unanswered item; the submit button is disabled once tapped (the
// server's client key makes a second submission harmless anyway).
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
  form.addEventListener("submit", function () {
    const button = document.getElementById("submit-inspection");
    if (button) setTimeout(function () { button.disabled = true; }, 0);
  });
})();
