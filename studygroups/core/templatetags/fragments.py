"""{% fragment "name" key %}…{% endfragment %}: the enclosed output, cached under `key`
(core.fragments.key) in the "fragments" cache; rendered every time when key is None."""

from django import template
from django.utils.safestring import mark_safe

from studygroups.core import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, key):
        self.nodelist = nodelist
        self.name = name
        self.key = key

    def render(self, context):
        key = self.key.resolve(context)
        if key is None:
            return self.nodelist.render(context)
        name = self.name.resolve(context)
        # A form's CSRF token belongs to the request that rendered it: it is kept as a
        # placeholder, and each request puts back its own.
        token = context.get("csrf_token")
        token = str(token) if token else ""

        def build():
            html = self.nodelist.render(context)
            return html.replace(token, fragments.CSRF_PLACEHOLDER) if token else html

        html = fragments.get_or_build(f"{key}:{name}", build)
        if fragments.CSRF_PLACEHOLDER in html:
            html = mark_safe(html.replace(fragments.CSRF_PLACEHOLDER, token))  # noqa: S308
        return html


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a name and a key.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))


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
