// Behaviour the templates ask for with data-* attributes, loaded on every page. The portal's
// Content-Security-Policy runs no inline script and no on* handler (issue 8 §10), so pages say
// what they need in their markup and this file does it:
//   <form data-confirm="question">          asks before the form is sent
//   <el data-percent="40">                   a progress bar's width (style attributes are refused too)
//   <form data-filters>                      its selects get Bootstrap's form-select class
//   <form data-export-url="/x/export/" data-export-link="export-link"
//         data-export-skip="unknown" data-export-defaults="a=b">
//                                            after an htmx swap the export link follows the filters
//   <div data-fill="id_field">               a click on one of its [data-value] items fills the field
//   <a data-back href="fallback">            goes back in the history when there is one
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  function prepare(root) {
    root.querySelectorAll("[data-percent]").forEach(function (el) {
      el.style.width = el.dataset.percent + "%";
    });
    root.querySelectorAll("form[data-filters] select").forEach(function (el) {
      el.classList.add("form-select");
    });
  }

  function followFilters() {
    document.querySelectorAll("form[data-export-url]").forEach(function (form) {
      const link = document.getElementById(form.dataset.exportLink);
      if (!link) return;
      const query = new URLSearchParams(new FormData(form));
      const skip = (form.dataset.exportSkip || "").split(" ").filter(Boolean);
      for (const [key, value] of [...query.entries()]) {
        if (!value || skip.includes(value)) query.delete(key);
      }
      for (const [key, value] of new URLSearchParams(form.dataset.exportDefaults || "")) {
        if (!query.has(key)) query.set(key, value);
      }
      link.href = form.dataset.exportUrl + "?" + query.toString();
    });
  }

  document.addEventListener("click", function (event) {
    const item = event.target.closest("[data-fill] [data-value]");
    if (item) {
      const list = item.closest("[data-fill]");
      const field = document.getElementById(list.dataset.fill);
      if (field) field.value = item.dataset.value;
      list.innerHTML = "";
      return;
    }
    const back = event.target.closest("a[data-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  prepare(document);
  document.addEventListener("htmx:load", function (event) { prepare(event.target); });
  document.addEventListener("htmx:afterSwap", followFilters);
})();
