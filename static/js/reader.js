// Opens the reader's table of contents on wide screens; on phones it stays folded so the
// text comes first. Without JavaScript the contents are one tap away on every screen.
const wide = window.matchMedia("(min-width: 66rem)");
function sync() {
  for (const toc of document.querySelectorAll("details.js-toc")) {
    toc.open = wide.matches;
  }
}
sync();
wide.addEventListener("change", sync);
