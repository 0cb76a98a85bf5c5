/* After every htmx swap: keep the keyboard user's place and say what changed.

   When the swap took away the focused element (the button pressed is gone with the
   content it was in), focus moves, in order of preference, to: the first error in what
   was swapped in (its field, if the error names one); the new item htmx added (a post,
   a row: [data-swap-focus] or the first .htmx-added element with an id); else the region
   that changed. Focus that is still somewhere (typing in a search box) is left alone.
   The change is announced in one polite live region (#swap-announcer in base.html):
   the error, else the swapped content's own status text, else its heading.
   A page can pick the element itself with data-focus-after="<selector>" on the trigger.
   Loaded with defer from base.html; no inline script (the CSP forbids it). */
(function () {
  "use strict";
  // Strings come from Django's JavaScript catalog (jsi18n/, loaded first by base.html).
  var gettext = window.gettext || function (text) { return text; };

  var lastTrigger = null;
  var lastTargetId = "";

  function visible(el) {
    return !!(el && el.isConnected && (el.offsetWidth || el.offsetHeight || el.getClientRects().length));
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected || !visible(active);
  }

  function focusOn(el) {
    if (!el) return false;
    var focusable = el.matches("a[href], button, input, select, textarea, summary, [tabindex]");
    if (!focusable) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: false });
    return document.activeElement === el;
  }

  function textOf(el) {
    return el ? el.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function announce(text) {
    var region = document.getElementById("swap-announcer");
    if (!region || !text) return;
    region.textContent = "";
    // A fresh text node after a tick, so the same message twice is read twice.
    window.setTimeout(function () {
      region.textContent = text.slice(0, 300);
    }, 50);
  }

  function firstError(region) {
    var invalid = region.querySelector("[aria-invalid=true]");
    if (invalid && visible(invalid)) return { focus: invalid, text: textOf(region.querySelector(".errorlist, [role=alert]")) };
    var error = region.querySelector("[role=alert], .errorlist, .message--error");
    if (error && visible(error)) {
      var list = error.closest(".form-field");
      var field = list && list.querySelector("input, select, textarea");
      return { focus: field && visible(field) ? field : error, text: textOf(error) };
    }
    return null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    lastTrigger = event.detail.elt || null;
  });

  var lastAdded = null;
  var oobIds = {};
  var pending = false;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    lastTargetId = target && target.id ? target.id : "";
    lastAdded = null;
    oobIds = {};
    pending = true;
  });

  // Out-of-band swaps refresh what depends on the change; focus never goes to them.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id) oobIds[target.id] = true;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // New nodes carry .htmx-added until they settle: remember the first that is not OOB.
    var candidates = document.querySelectorAll(".htmx-added");
    for (var i = 0; i < candidates.length; i++) {
      if (!oobIds[candidates[i].id]) {
        lastAdded = candidates[i];
        break;
      }
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var settled = event.detail.target;
    if (!pending || (settled && settled.id && oobIds[settled.id])) return;
    pending = false;
    var region =
      (lastTargetId && document.getElementById(lastTargetId)) ||
      (settled && settled.isConnected ? settled : null) ||
      (lastAdded && lastAdded.isConnected ? lastAdded : null);
    if (!region) return;
    var error = firstError(region);
    var status = region.querySelector("[role=status], .message");
    var heading = region.querySelector("h1, h2, h3");
    announce(error ? error.text : textOf(status) || textOf(heading) || gettext("Updated."));

    var chosen = lastTrigger && lastTrigger.getAttribute && lastTrigger.getAttribute("data-focus-after");
    if (chosen && document.querySelector(chosen)) return; // the page's own choice (discussions.js)
    if (!focusLost() && !error) return;
    if (error && focusOn(error.focus)) return;
    if (!focusLost()) return;
    var added = region.querySelector("[data-swap-focus]") || (lastAdded && lastAdded.isConnected ? lastAdded : null);
    if (added && visible(added)) {
      if (added.matches("article, li, .post")) {
        if (focusOn(added)) return; // a new post or row: read as a whole
      }
      var inner =
        added.querySelector("h2, h3") ||
        added.querySelector("button, a[href], input:not([type=hidden]), select, textarea");
      if (focusOn(inner && visible(inner) ? inner : added)) return;
    }
    focusOn(heading && visible(heading) ? heading : region);
  });
})();
