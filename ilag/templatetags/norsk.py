"""Template filters for Norwegian formats; the formatting itself is `ilag.formats`."""

from django import template

from ilag import formats

register = template.Library()

for _name in ("kr", "number", "percent", "dato", "minutes"):
    register.filter(_name, getattr(formats, _name))
