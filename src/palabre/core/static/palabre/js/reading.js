// The synthesis reading room, made quicker with a keyboard: j / k go to the next and previous
// contribution, x ticks it, o opens it whole in the side panel (loaded in place, without
// leaving the list). Without this script every link and form works as plain HTML.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".reading-item"));
  var panel = document.getElementById("panel");
  if (!items.length || !panel) { return; }
  var hint = document.querySelector(".keyboard-hint");
  if (hint) { hint.hidden = false; }
  // Where j / k start: the contribution shown in the panel, else the first one. Until one has
  // been reached (`started`), the first j or k goes there rather than past it.
  var current = Math.max(0, items.findIndex(function (li) { return li.classList.contains("is-shown"); }));
  var started = false;

  var mark = function (index) {
    current = Math.min(Math.max(index, 0), items.length - 1);
    started = true;
    items.forEach(function (li, i) { li.classList.toggle("is-current", i === current); });
  };

  var focus = function (index) {
    mark(index);
    var box = items[current].querySelector("input[type=checkbox]");
    if (box) { box.focus(); }
  };

  var step = function (delta) { focus(started ? current + delta : current); };

  // a contribution reached with Tab or the mouse becomes the current one
  items.forEach(function (li, i) {
    li.addEventListener("focusin", function () { mark(i); });
  });

  // "Back to the list" in the panel (below the list on a phone): back to the contribution's
  // row, its box focused; the panel's content is replaced by `open`, hence the delegation
  panel.addEventListener("click", function (event) {
    var back = event.target.closest ? event.target.closest(".back-to-list a") : null;
    if (!back) { return; }
    var row = document.getElementById((back.getAttribute("href") || "").slice(1));
    var index = items.indexOf(row);
    if (index < 0) { return; }
    event.preventDefault();
    focus(index);
  });

  var open = function (link) {
    var url = link.getAttribute("href");
    fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("panel");
        if (!fresh) { window.location.href = url; return; }
        panel.innerHTML = fresh.innerHTML;
        items.forEach(function (li) { li.classList.toggle("is-shown", li.contains(link)); });
        history.replaceState(null, "", url);
        panel.focus();
      })
      .catch(function () { window.location.href = url; });
  };

  items.forEach(function (li) {
    var link = li.querySelector("a.read-whole");
    if (link) {
      link.addEventListener("click", function (event) { event.preventDefault(); open(link); });
    }
  });

  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    var typing = tag === "textarea" || tag === "select" ||
      (tag === "input" && event.target.type !== "checkbox");
    if (typing || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key === "j") { step(1); event.preventDefault(); }
    else if (event.key === "k") { step(-1); event.preventDefault(); }
    else if (event.key === "x") {
      if (!started) { focus(current); }
      var box = items[current].querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; box.focus(); }
      event.preventDefault();
    } else if (event.key === "o") {
      if (!started) { focus(current); }
      var link = items[current].querySelector("a.read-whole");
      if (link) { open(link); }
      event.preventDefault();
    }
  });
})();
