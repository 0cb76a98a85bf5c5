"""{% fragment "name" key %}…{% endfragment %}: the enclosed output, cached under `key`
(core.fragments.key) in the "fragments" cache; rendered every time when key is None."""

from django import template

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
        return fragments.get_or_build(f"{key}:{name}", lambda: self.nodelist.render(context))


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a name and a key.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))
