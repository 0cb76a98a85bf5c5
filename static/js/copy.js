/* A "Copy" button beside every read-only link field (calendar feeds, invitations):
   progressive enhancement, so without JavaScript the field is still there to select.
   Loaded with defer from base.html; no inline script. */
(function () {
  "use strict";
  // Strings come from Django's JavaScript catalog (jsi18n/, loaded first by base.html).
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (_m, key) { return obj[key]; });
  };
  if (!navigator.clipboard) return;

  function say(text) {
    var region = document.getElementById("swap-announcer");
    if (region) region.textContent = text;
  }

  function enhance(root) {
    root.querySelectorAll("input.invitation-link[readonly]:not([data-copy-ready])").forEach(function (input) {
      input.setAttribute("data-copy-ready", "");
      var wrap = document.createElement("div");
      wrap.className = "copy-field";
      input.parentNode.insertBefore(wrap, input);
      wrap.appendChild(input);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small";
      button.textContent = gettext("Copy");
      var label = input.labels && input.labels[0] ? input.labels[0].textContent.trim() : gettext("link");
      button.setAttribute("aria-label", interpolate(gettext("Copy the address: %(label)s"), { label: label }, true));
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(
          function () {
            button.textContent = gettext("Copied");
            say(gettext("Copied to the clipboard."));
            window.setTimeout(function () { button.textContent = gettext("Copy"); }, 2000);
          },
          function () {
            input.select();
            say(gettext("Select the address and copy it."));
          }
        );
      });
      wrap.appendChild(button);
    });
  }

  enhance(document);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.isConnected) enhance(event.detail.target);
  });
})();
