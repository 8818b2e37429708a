from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views import i18n


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


def set_language(request):
    """Django's language switch, run in the language of the page it was pressed on.

    Django finds the chosen language's address of that page by resolving the page's path in
    the language active for this request, which comes from the cookie or the browser, not
    from the page: from /en/apply/ with any other language active the path does not resolve,
    and the visitor was sent back to /en/apply/. The page's own prefix, or its absence for
    the default language, says which language its path is in."""
    page = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    language = translation.get_language_from_path(urlsplit(page).path)
    with translation.override(language or settings.LANGUAGE_CODE):
        return i18n.set_language(request)
