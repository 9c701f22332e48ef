"""The link to an object's history page, for the pages of objects that have one."""

from __future__ import annotations

from django import template
from django.urls import reverse

from thidua.web import history_access

register = template.Library()


@register.simple_tag(takes_context=True)
def history_url(context, obj) -> str:
    """The URL of `obj`'s history page if the user may read it, else an empty string."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if obj is None or user is None or not history_access.may_see(user, obj):
        return ""
    return reverse("web:object_history", args=[obj._meta.label_lower, str(obj.pk)])
