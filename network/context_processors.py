from __future__ import annotations

from django.conf import settings


def network(request):
    return {
        "network_name": settings.NETWORK_NAME,
        "network_contact_email": settings.NETWORK_CONTACT_EMAIL,
    }
