// The risk map page (risk_reports/map_page.html): a click on a floor plan sets the position, as
// fractions of the plan (0..1 from its top-left corner), in the plan's "place a point" form, or in a
// placement's "move" form after its "Pick on the plan" button. The forms post as they would without
// script (the fields can be typed); this only fills them and shows where the click landed.
(function () {
  "use strict";

  function round4(v) {
    return Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;
  }

  document.querySelectorAll("svg.plan-clickable").forEach(function (svg) {
    const plan = svg.dataset.plan;
    const width = parseFloat(svg.dataset.width);
    const height = parseFloat(svg.dataset.height);
    const pending = svg.querySelector(".mark-pending");
    const placeForm = document.getElementById("place-" + plan);
    let target = placeForm;

    document.querySelectorAll('.move-form[data-plan="' + plan + '"] .pick').forEach(function (button) {
      button.addEventListener("click", function () {
        const form = button.closest("form");
        document.querySelectorAll('.move-form[data-plan="' + plan + '"]').forEach(function (f) {
          f.classList.remove("picking");
        });
        if (target === form) {
          target = placeForm;
          return;
        }
        target = form;
        form.classList.add("picking");
        svg.scrollIntoView({ block: "nearest" });
      });
    });

    svg.addEventListener("click", function (event) {
      const box = svg.getBoundingClientRect();
      if (!box.width || !box.height || !target) return;
      const x = round4((event.clientX - box.left) / box.width);
      const y = round4((event.clientY - box.top) / box.height);
      target.querySelector(".pos-x").value = x.toFixed(4);
      target.querySelector(".pos-y").value = y.toFixed(4);
      if (pending) {
        pending.setAttribute("cx", String(x * width));
        pending.setAttribute("cy", String(y * height));
        pending.classList.remove("d-none");
      }
      const focus = target.querySelector("select") || target.querySelector("button:not(.pick)");
      if (focus) focus.focus();
    });
  });
})();
