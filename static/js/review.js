// The review of a delivered list from the keyboard: j / k move between rows, y confirms the row's
// best candidate, n rejects it, u marks the row "not sure". The buttons are ordinary forms (htmx
// swaps the decided row in place); the keys only press them. After a decision the next row is current.
(function () {
  "use strict";
  var current = -1;
  var advance = false;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tbody.entry")); }

  function select(index) {
    var all = rows();
    if (!all.length) { return; }
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) {
      row.classList.toggle("current", i === current);
      if (i === current) { row.setAttribute("aria-current", "true"); } else { row.removeAttribute("aria-current"); }
    });
    all[current].focus({ preventScroll: true });
    all[current].scrollIntoView({ block: "nearest" });
  }

  function press(key) {
    var row = rows()[current];
    var button = row && row.querySelector('button[data-key="' + key + '"]');
    if (!button) { return false; }
    advance = true;
    button.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) { return; }
    var key = event.key;
    if (key === "j") { select(current + 1); }
    else if (key === "k") { select(current < 0 ? 0 : current - 1); }
    else if (key === "y" || key === "n" || key === "u") {
      if (current < 0) { select(0); }
      if (!press(key)) { return; }
    } else { return; }
    event.preventDefault();
  });

  // A request that failed swaps nothing: the next swap (a mouse click, say) must not move on.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.failed) { advance = false; }
  });

  // The decided row was swapped in: keep it current, or move on after a decision from the keyboard.
  // After the settle, not the swap: htmx settles the new row's class attribute back to what the
  // server sent, which would take the highlight off again.
  document.addEventListener("htmx:afterSettle", function (event) {
    // Sent on the new element; the counts swapped out of band beside the row send one too.
    var swapped = event.target;
    if (!swapped.matches || !swapped.matches("tbody.entry")) { return; }
    var all = rows();
    var index = all.indexOf(swapped);
    if (index < 0) { index = current; }
    var failed = swapped && swapped.querySelector("[role=alert]");
    select(advance && !failed ? index + 1 : index);
    advance = false;
  });

  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("tbody.entry");
    if (row) {
      var index = rows().indexOf(row);
      if (index >= 0 && index !== current) { current = index; rows().forEach(function (r, i) { r.classList.toggle("current", i === index); }); }
    }
  });
})();
