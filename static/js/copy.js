/* A "Copy" button beside every read-only link field (calendar feeds, invitations):
   progressive enhancement, so without JavaScript the field is still there to select.
   Loaded with defer from base.html; no inline script. */
(function () {
  "use strict";
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
      button.textContent = "Copy";
      var label = input.labels && input.labels[0] ? input.labels[0].textContent.trim() : "link";
      button.setAttribute("aria-label", "Copy the address: " + label);
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(
          function () {
            button.textContent = "Copied";
            say("Copied to the clipboard.");
            window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
          },
          function () {
            input.select();
            say("Select the address and copy it.");
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
