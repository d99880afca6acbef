"""Sizes and types of attached documents, in words, for templates."""

from django import template

from ilag import uploads

register = template.Library()


@register.filter
def filesize(value):
    """`512 byte`, `8,5 kB`, `140 kB`, `2,3 MB` (the locale's decimal separator)."""
    return uploads.filesize(value)


@register.filter
def file_type_name(content_type):
    """`PDF-dokument` for application/pdf; an unknown type as it is."""
    return uploads.type_name(content_type)
