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
  var current = Math.max(0, items.findIndex(function (li) { return li.classList.contains("is-shown"); }));

  var focus = function (index) {
    current = Math.min(Math.max(index, 0), items.length - 1);
    items.forEach(function (li, i) { li.classList.toggle("is-current", i === current); });
    var box = items[current].querySelector("input[type=checkbox]");
    if (box) { box.focus(); }
  };

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
    if (event.key === "j") { focus(current + 1); event.preventDefault(); }
    else if (event.key === "k") { focus(current - 1); event.preventDefault(); }
    else if (event.key === "x") {
      var box = items[current].querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; box.focus(); }
      event.preventDefault();
    } else if (event.key === "o") {
      var link = items[current].querySelector("a.read-whole");
      if (link) { open(link); }
      event.preventDefault();
    }
  });
})();
