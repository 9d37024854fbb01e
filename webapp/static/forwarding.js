// 書類回送 screens. No inline scripts (CSP): behaviour hangs off data attributes.
(function () {
  "use strict";
  // After a receipt or bag list is issued, open its PDF in a new tab once so printing starts
  // at once. When a pop-up blocker refuses, the print link gets the focus: Enter opens it.
  function autoprint() {
    var link = document.querySelector("[data-autoprint]");
    if (!link) return;
    var key = "madoguchi-printed:" + link.getAttribute("href");
    try {
      if (window.sessionStorage.getItem(key)) return;
      window.sessionStorage.setItem(key, "1");
    } catch (e) { /* private mode: print every time */ }
    var opened = window.open(link.href, "_blank");
    if (!opened) {
      link.classList.add("attention");
      link.focus();
    }
  }
  // The counter starts with a few document rows; "add a row" copies the template row with the
  // next index (the server accepts up to data-max rows).
  function addLine(button) {
    var body = document.getElementById(button.dataset.target);
    var template = document.getElementById(button.dataset.template);
    var max = parseInt(button.dataset.max, 10);
    var index = body.querySelectorAll("tr[data-line]").length;
    if (index >= max) { button.disabled = true; return; }
    var html = template.innerHTML.replace(/__i__/g, String(index)).replace(/__n__/g, String(index + 1));
    body.insertAdjacentHTML("beforeend", html);
    var rows = body.querySelectorAll("tr[data-line]");
    var select = rows[rows.length - 1].querySelector("select");
    if (select) select.focus();
    if (index + 1 >= max) button.disabled = true;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-line]");
    if (button) { event.preventDefault(); addLine(button); }
    var all = event.target.closest("[data-check-all]");
    if (all) {
      var box = document.getElementById(all.dataset.checkAll);
      box.querySelectorAll("input[type=checkbox]").forEach(function (c) { c.checked = all.checked; });
    }
  });
  // Alt+N adds a document row from anywhere on the counter form.
  document.addEventListener("keydown", function (event) {
    if (event.altKey && (event.key === "n" || event.key === "N")) {
      var button = document.querySelector("[data-add-line]");
      if (button) { event.preventDefault(); addLine(button); }
    }
  });
  // A scanned or typed receipt number ticks the matching item of a bag (Enter does not submit).
  document.addEventListener("keydown", function (event) {
    var input = event.target.closest("[data-tick-input]");
    if (!input || event.key !== "Enter") return;
    event.preventDefault();
    var value = input.value.trim().toUpperCase();
    if (!value) return;
    var box = document.querySelector("input[type=checkbox][value='" + CSS.escape(value) + "']");
    var status = document.getElementById(input.dataset.status);
    if (box) {
      box.checked = true;
      status.textContent = input.dataset.okText + " " + value;
    } else {
      var extra = document.getElementById(input.dataset.extra);
      extra.value = (extra.value ? extra.value + "\n" : "") + value;
      status.textContent = input.dataset.extraText + " " + value;
    }
    input.value = "";
  });
  // On the counter, Enter submits from any field, also from a select or a checkbox where the
  // browser would not (never while an IME is converting kana); Ctrl+Enter also from remarks.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
    var form = event.target.form;
    if (!form || !form.hasAttribute("data-enter-submits")) return;
    var tag = event.target.tagName;
    if (tag === "SELECT" || event.target.type === "checkbox" || (tag === "TEXTAREA" && event.ctrlKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  // After a refused submission, the cursor goes to the first field with an error.
  function focusFirstError() {
    var invalid = document.querySelector("form [aria-invalid=true]");
    if (invalid) invalid.focus();
  }
  document.addEventListener("DOMContentLoaded", autoprint);
  document.addEventListener("DOMContentLoaded", focusFirstError);
})();
