from django.conf import settings
from django.shortcuts import render


def home(request):
    return render(request, "network/home.html")


def privacy(request):
    """The privacy page: who is responsible, what is kept and why, who sees it, for how
    long, and the member's rights, all as the deployment's settings say."""
    return render(
        request,
        "network/privacy.html",
        {
            "controller_name": settings.NETWORK_CONTROLLER_NAME,
            "controller_address": settings.NETWORK_CONTROLLER_ADDRESS,
            "privacy_contact": settings.NETWORK_PRIVACY_CONTACT,
            "supervisory_authority": settings.NETWORK_SUPERVISORY_AUTHORITY,
            "retention": {
                "unconfirmed": settings.RETENTION_UNCONFIRMED_DAYS,
                "decided": settings.RETENTION_DECIDED_DAYS,
                "unanswered": settings.RETENTION_UNANSWERED_DAYS,
                "old_lists": settings.RETENTION_OLD_LISTS_DAYS,
                "sent_email": settings.RETENTION_SENT_EMAIL_DAYS,
            },
        },
    )
