/* Drag rows to reorder them: units of a reading series, readings and questions of a unit.
 *
 * A list marked data-reorder="#target" holds rows with data-reorder-url (the row's move
 * endpoint). Dragging a row by its handle moves it among its siblings as the pointer
 * goes; on release the new position is posted (position=N, 1 = first) with htmx, and the
 * server's list replaces #target. Without JavaScript, or from the keyboard, the up and
 * down buttons do the same; the handles are shown only when this script runs.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var dragged = null;
  var startIndex = -1;
  var startNext = null; // the row's next sibling before the drag, to put it back

  function rowsOf(list) {
    return Array.prototype.filter.call(list.children, function (node) {
      return node.hasAttribute("data-reorder-url");
    });
  }

  function rowAt(target) {
    return target && target.closest ? target.closest("[data-reorder-url]") : null;
  }

  // A row becomes draggable only while its handle is held, so text in it stays selectable.
  document.addEventListener("pointerdown", function (event) {
    var handle = event.target.closest && event.target.closest("[data-drag-handle]");
    if (handle) rowAt(handle).setAttribute("draggable", "true");
  });
  document.addEventListener("pointerup", function () {
    if (!dragged) {
      document.querySelectorAll("[data-reorder-url][draggable]").forEach(function (row) {
        row.removeAttribute("draggable");
      });
    }
  });

  document.addEventListener("dragstart", function (event) {
    var row = rowAt(event.target);
    if (!row || !row.hasAttribute("draggable")) return;
    var list = row.closest("[data-reorder]");
    var target = list && document.querySelector(list.getAttribute("data-reorder"));
    if (target && target.classList.contains("htmx-request")) {
      event.preventDefault(); // the previous move is still being saved
      return;
    }
    dragged = row;
    startIndex = rowsOf(row.parentNode).indexOf(row);
    startNext = row.nextSibling;
    row.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.id);
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var list = dragged.parentNode;
    if (event.target === list) {
      event.preventDefault(); // the gaps between rows are part of the list
      return;
    }
    var row = rowAt(event.target);
    if (!row || row.parentNode !== list) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (row === dragged) return;
    var box = row.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    row.parentNode.insertBefore(dragged, after ? row.nextSibling : row);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  // A list re-rendered mid-drag (another move saved) takes the dragged row with it.
  document.addEventListener("htmx:beforeSwap", function () {
    dragged = null;
  });

  document.addEventListener("dragend", function (event) {
    if (!dragged) return;
    var row = dragged;
    dragged = null;
    row.classList.remove("is-dragging");
    row.removeAttribute("draggable");
    var list = row.parentNode;
    if (event.dataTransfer.dropEffect === "none") {
      // Escape, or let go outside the list: nothing moves.
      list.insertBefore(row, startNext);
      return;
    }
    var index = rowsOf(list).indexOf(row);
    if (index === startIndex) return;
    var target = list.closest("[data-reorder]") || list;
    htmx.ajax("POST", row.getAttribute("data-reorder-url"), {
      target: target.getAttribute("data-reorder"),
      swap: "outerHTML",
      values: { position: index + 1 },
    });
  });
})();
