from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import sign_in, views

# The secretariat and the medical consultant both work here. The network's name is read
# when a page is drawn, not when the URLs are imported: a setting, not a constant.
network_name = lazy(lambda: settings.NETWORK_NAME, str)
admin.site.site_header = format_lazy("{}: {}", network_name(), _("staff pages"))
admin.site.site_title = _("Staff pages")

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    # The staff sign-in, its second factor and its recovery codes (network/sign_in.py).
    path("account/", include((sign_in.urlpatterns, "two_factor"))),
    # Django's language switch, told which language the page it came from is in (views.py).
    path("i18n/setlang/", views.set_language, name="set_language"),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("", include("members.urls")),
    path("members/", include("selfservice.urls")),
    path("", include("diagnoses.urls")),
    path("", include("misuse.urls")),
    path("mailings/", include("mailings.urls")),
    path("meetups/", include("meetups.urls")),
    prefix_default_language=False,
)
