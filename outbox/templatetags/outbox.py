from __future__ import annotations

from django import template

from .. import services

register = template.Library()


@register.simple_tag(takes_context=True)
def outbox_trouble(context) -> services.Trouble | None:
    """What of the outbox needs staff's eyes, for those who may see outgoing email."""
    request = context.get("request")
    if request is None or not request.user.has_perm("outbox.view_outgoingemail"):
        return None
    return services.trouble()
