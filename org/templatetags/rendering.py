"""``{% content_key table request.get_full_path as key %}``, for ``{% cache … key %}``
(org.rendering says why)."""

from django import template

from org import rendering

register = template.Library()


@register.simple_tag
def content_key(*parts) -> str:
    return rendering.content_key(*parts)
