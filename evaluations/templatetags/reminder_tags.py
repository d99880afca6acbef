from django import template

from evaluations.reminders import reminder_label as _reminder_label

register = template.Library()


@register.filter
def reminder_label(reminder):
    """«30 dager før», «på fristdagen», «1 uke på overtid», …"""
    return _reminder_label(reminder)
