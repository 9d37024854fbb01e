// The case page's BPMN diagram: bpmn-js (served from /static/vendor, installed by `make
// assets`) draws the case's own process version; markers show its state. No inline scripts.
(function () {
  "use strict";
  var box = document.getElementById("diagram");
  if (!box) return;
  var status = document.getElementById("diagram-status");

  function say(text) {
    if (status) status.textContent = text || "";
  }

  function failed() {
    box.hidden = true;
    box.dataset.state = "failed";
    say(box.dataset.failed);
  }

  if (typeof window.BpmnJS !== "function" || !window.fetch) {
    failed();
    return;
  }
  say(box.dataset.loading);
  window.fetch(box.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(function (data) {
      var viewer = new window.BpmnJS({ container: box });
      return viewer.importXML(data.xml).then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        function mark(ids, marker) {
          ids.forEach(function (id) {
            if (registry.get(id)) canvas.addMarker(id, marker);
          });
        }
        mark(data.finished || [], "marker-finished");
        mark(data.active || [], "marker-active");
        mark((data.timers || []).map(function (t) { return t.id; }), "marker-timer");
        mark(data.error || [], "marker-error");
        canvas.zoom("fit-viewport", "auto");
        box.dataset.state = "ready";
        say("");
      });
    })
    .catch(failed);
})();
