// Work queues: keyboard shortcuts (j/k move, Enter opens, c claims, x selects, / searches)
// and "select all" for supervisors' bulk actions. No inline scripts.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-row]"));
  var current = -1;

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function select(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0 && rows[current]) rows[current].classList.remove("current");
    current = index;
    var row = rows[current];
    row.classList.add("current");
    row.setAttribute("tabindex", "-1");
    row.focus();
  }

  rows.forEach(function (row, index) {
    row.addEventListener("focusin", function () {
      if (current !== index) {
        if (current >= 0 && rows[current]) rows[current].classList.remove("current");
        current = index;
        row.classList.add("current");
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var row = current >= 0 ? rows[current] : null;
    if (event.key === "j") {
      select(current + 1);
    } else if (event.key === "k") {
      select(current < 0 ? 0 : current - 1);
    } else if (event.key === "/") {
      var search = document.getElementById("q");
      if (!search) return;
      search.focus();
      search.select();
    } else if (event.key === "Enter" && row && event.target === row) {
      window.location.assign(row.dataset.href);
    } else if (event.key === "c" && row) {
      var claim = row.querySelector("form[data-claim]");
      if (!claim) return;
      claim.requestSubmit ? claim.requestSubmit() : claim.submit();
    } else if (event.key === "x" && row) {
      var box = row.querySelector("input[name=task_ids]");
      if (!box) return;
      box.checked = !box.checked;
    } else {
      return;
    }
    event.preventDefault();
  });

  var all = document.querySelector("[data-select-all]");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input[name=task_ids]").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }
})();
