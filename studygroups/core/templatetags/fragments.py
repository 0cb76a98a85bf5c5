"""{% fragment "name" key %}…{% endfragment %}: the enclosed output, cached under `key`
(core.fragments.key) in the "fragments" cache; rendered every time when key is None (or
empty: a variable the view did not set).

{% fragment "name" key fresh %}: `fresh` maps placeholders (core.fragments.placeholder) to
this request's own values (a form's one-time key): each value is stored as its
placeholder, and each request's value put back. When a value is not found in what was
rendered, the fragment is not kept (it would serve one request's value to every other).
`fresh` may instead be a callable (marked `do_not_call_in_templates`) that takes the
cached output and returns it with this request's own values filled in (slots that the
enclosed template wrote as placeholders)."""

from django import template
from django.utils.safestring import mark_safe

from studygroups.core import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, key, fresh=None):
        self.nodelist = nodelist
        self.name = name
        self.key = key
        self.fresh = fresh

    def render(self, context):
        key = self.key.resolve(context)
        fresh = self.fresh.resolve(context) if self.fresh else None
        if callable(fresh):
            return mark_safe(fresh(self._render(context, key, {})))  # noqa: S308
        return self._render(context, key, {p: str(v) for p, v in (fresh or {}).items()})

    def _render(self, context, key, fresh: dict[str, str]):
        if not key:
            return self.nodelist.render(context)
        name = self.name.resolve(context)
        # A form's CSRF token belongs to the request that rendered it: it is kept as a
        # placeholder, and each request puts back its own.
        token = context.get("csrf_token")
        token = str(token) if token else ""

        def build():
            html = self.nodelist.render(context)
            for stand_in, value in fresh.items():
                html = html.replace(value, stand_in) if value else html
            return html.replace(token, fragments.CSRF_PLACEHOLDER) if token else html

        def every_value_found(html) -> bool:
            # A value missing from the output (empty, or written differently) would be
            # served as it is to every later request: such a rendering is not kept.
            return all(stand_in in html for stand_in in fresh)

        html = fragments.get_or_build(f"{key}:{name}", build, keep=every_value_found)
        replacements = [(fragments.CSRF_PLACEHOLDER, token), *fresh.items()]
        for stand_in, value in replacements:
            if stand_in in html:
                html = mark_safe(html.replace(stand_in, value))  # noqa: S308
        return html


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) not in (3, 4):
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a name, a key and, optionally, a request's own values."
        )
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    compiled = [parser.compile_filter(bit) for bit in bits[1:]]
    return FragmentNode(nodelist, *compiled)


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        context[self.name] = self.nodelist.render(context)
        return ""


@register.tag
def capture(parser, token):
    """{% capture as name %}…{% endcapture %}: render once into `name`, to show it in
    several places ({{ name }}) without rendering it again."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError(f"Usage: {{% {bits[0]} as name %}}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
