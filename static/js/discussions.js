/* Discussions: select a passage in the reader, choose "Discuss", and the paragraph's
   threads open beside it with the composer holding the quote. Also closes opened
   threads and cancels inline reply/edit forms. No inline script: loaded with defer. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // Strings from Django's JavaScript catalog (djangojs), loaded before this file.
  var gettext = window.gettext || function (text) { return text; };

  var body = document.querySelector(".reader__body[data-discuss-url]");
  var button = null;
  var pending = null;

  function blockOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest(".reader__body .block[id]") : null;
  }

  function blockText(block) {
    // The paragraph's own text, without the number and count links in the margin.
    var clone = block.cloneNode(true);
    clone.querySelectorAll(".block__permalink, .para-count, .para-threads").forEach(function (n) {
      n.remove();
    });
    return clone.textContent;
  }

  function squash(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  function hide() {
    if (button) button.hidden = true;
    pending = null;
  }

  function ensureButton() {
    if (button) return button;
    button = document.createElement("button");
    button.type = "button";
    button.className = "discuss-button";
    button.textContent = gettext("Discuss");
    button.hidden = true;
    button.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the selection
    });
    button.addEventListener("click", function () {
      if (pending) openComposer(pending);
      hide();
    });
    document.body.appendChild(button);
    return button;
  }

  function onSelection() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
      hide();
      return;
    }
    var range = selection.getRangeAt(0);
    var block = blockOf(range.startContainer);
    if (!block || block !== blockOf(range.endContainer)) {
      hide();
      return;
    }
    var quote = squash(selection.toString());
    if (!quote || quote.length > 1000) {
      hide();
      return;
    }
    // Context before the selection, to tell repeated phrases apart.
    var before = document.createRange();
    before.selectNodeContents(block);
    before.setEnd(range.startContainer, range.startOffset);
    var prefixHolder = document.createElement("div");
    prefixHolder.appendChild(before.cloneContents());
    prefixHolder.querySelectorAll(".block__permalink, .para-count").forEach(function (n) {
      n.remove();
    });
    var prefix = squash(prefixHolder.textContent).slice(-40);
    if (squash(blockText(block)).indexOf(quote) === -1) {
      hide();
      return;
    }
    pending = { anchor: block.id, quote: quote, prefix: prefix };
    var rect = range.getBoundingClientRect();
    var b = ensureButton();
    b.hidden = false;
    b.style.top = window.scrollY + rect.bottom + 8 + "px";
    b.style.left = Math.max(8, window.scrollX + rect.left + rect.width / 2 - 40) + "px";
  }

  function openComposer(info) {
    var url =
      body.getAttribute("data-discuss-url").replace("__anchor__", encodeURIComponent(info.anchor)) +
      "?quote=" + encodeURIComponent(info.quote) +
      "&prefix=" + encodeURIComponent(info.prefix);
    var target = document.getElementById("threads-" + info.anchor);
    if (!target || !window.htmx) {
      window.location.href = url;
      return;
    }
    window.htmx.ajax("GET", url, { target: target, swap: "innerHTML" }).then(function () {
      var field = target.querySelector("textarea[name=body]");
      if (field) field.focus();
    });
  }

  // Keyboard users: a visible "Discuss selection" button in the reader's tools, reached
  // by Tab, opens the composer with the passage selected (with Shift+arrows in caret
  // browsing, or any other way); the floating button only follows the pointer.
  function addKeyboardButton() {
    var tools = document.querySelector(".discussion-tools");
    if (!tools || tools.querySelector(".discuss-selection")) return;
    var keyboard = document.createElement("button");
    keyboard.type = "button";
    keyboard.className = "button button--small discuss-selection";
    keyboard.textContent = gettext("Discuss selection");
    keyboard.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the selection
    });
    keyboard.addEventListener("click", function () {
      if (pending) {
        openComposer(pending);
        hide();
        return;
      }
      var region = document.getElementById("swap-announcer");
      if (region) region.textContent = gettext("First select some words within one paragraph.");
    });
    tools.insertBefore(keyboard, tools.firstChild.nextSibling);
  }

  if (body && body.hasAttribute("data-can-discuss")) {
    addKeyboardButton();
    document.addEventListener("selectionchange", function () {
      window.clearTimeout(onSelection.timer);
      onSelection.timer = window.setTimeout(onSelection, 120);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
  }

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-close-threads]");
    if (close) {
      var holder = close.closest(".para-threads");
      if (holder) {
        var anchor = holder.id.replace(/^threads-/, "");
        holder.innerHTML = "";
        var count = document.querySelector("#" + CSS.escape(anchor) + " .para-count");
        if (count) count.focus();
      }
      return;
    }
    var cancel = event.target.closest("[data-cancel-form]");
    if (cancel && window.htmx) {
      var form = cancel.closest("form");
      if (form && form.classList.contains("composer__form--reply")) {
        event.preventDefault();
        form.remove();
      } else if (form && form.classList.contains("composer__form--edit")) {
        event.preventDefault();
        window.htmx.ajax("GET", cancel.getAttribute("href"), { target: form, swap: "outerHTML" });
      }
    }
  });

  // Mark the paragraph whose threads are open, and focus a form htmx just inserted:
  // once it has settled, when htmx has bound the form's handlers (on afterSwap a quick
  // Enter in the focused form could still send it as a plain page load).
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && target.classList && target.classList.contains("reply-slot")) {
      var field = target.querySelector("textarea");
      if (field) field.focus();
    }
    if (target && target.classList && target.classList.contains("para-threads")) {
      var heading = target.querySelector("h2");
      if (heading && !target.querySelector("textarea:focus")) {
        heading.setAttribute("tabindex", "-1");
      }
      // Opened from the margin by keyboard or pointer: "+" (no posts yet) goes straight
      // into the composer; a count goes to the panel's heading, above its threads.
      var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
      if (trigger && trigger.matches && trigger.matches("[data-para-count]")) {
        var composer = target.querySelector(".composer textarea, textarea[name=body]");
        var into = !trigger.classList.contains("para-count--has") && composer ? composer : heading;
        if (into) into.focus();
      }
    }
  });

  // Escape closes the open threads panel and returns to its paragraph's margin link.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) return;
    if (event.target.matches("textarea, input") && event.target.value.trim()) return; // keep a draft
    var holder = event.target.closest(".para-threads");
    if (!holder || !holder.id) return;
    var anchor = holder.id.replace(/^threads-/, "");
    holder.innerHTML = "";
    var count = document.getElementById("count-" + anchor);
    if (count) count.focus();
  });

  // "Show N more replies": the thread comes back whole in place of its first replies;
  // focus goes to the first reply that was not shown (the link pressed is gone).
  var shownBefore = {};
  document.addEventListener("htmx:beforeRequest", function (event) {
    var link = event.detail.elt;
    if (!link || !link.hasAttribute || !link.hasAttribute("data-more-replies")) return;
    var item = link.closest(".thread__item");
    if (!item || !item.id) return;
    var ids = {};
    item.querySelectorAll("article.post[id]").forEach(function (post) { ids[post.id] = true; });
    shownBefore[item.id] = ids;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig;
    var link = config && config.elt;
    if (!link || !link.hasAttribute || !link.hasAttribute("data-more-replies")) return;
    var itemId = link.getAttribute("hx-target").replace(/^#/, "");
    var ids = shownBefore[itemId];
    delete shownBefore[itemId];
    if (!ids) return;
    var root = document.getElementById(itemId.replace(/^thread-/, "post-"));
    var item = root && root.closest(".thread__item");
    if (!item) return;
    var posts = item.querySelectorAll("article.post[id]");
    for (var i = 0; i < posts.length; i++) {
      if (!ids[posts[i].id]) {
        posts[i].setAttribute("tabindex", "-1");
        posts[i].focus();
        return;
      }
    }
  });

  // After moving to another page of threads, focus lands on the list's heading (the link
  // that was pressed is gone with the page it was on).
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig;
    var selector = config && config.elt && config.elt.getAttribute("data-focus-after");
    var heading = selector && document.querySelector(selector);
    if (heading) heading.focus({ preventScroll: true });
  });
})();
