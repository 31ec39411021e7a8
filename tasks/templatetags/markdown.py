"""Text in a group robot's markdown message: shown as written, never as a link or markup."""

from django import template

register = template.Library()

# What opens a link, an image or an HTML tag in the robots' markdown, as its full-width form
# (the way Chinese text writes brackets anyway): a task's text cannot add a link of its own.
_MARKUP = str.maketrans("[]()<>", "［］（）＜＞")


@register.filter
def markdown_text(value: object) -> str:
    return str(value).translate(_MARKUP)
