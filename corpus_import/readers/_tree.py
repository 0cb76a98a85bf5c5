"""Helpers over lxml trees shared by the readers of markup (web pages, EPUB)."""


def remove_keeping_tail(el) -> None:
    """Take `el` out of its tree, keeping the text that followed it (its tail) where it
    stood."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
