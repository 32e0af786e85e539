"""Every page: one line per app (docs/architecture.md), then sign-in, languages, admin, API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ungpho.api import api

# The admin's titles in the user's language (Django's own: "Django site admin").
admin.site.site_header = admin.site.site_title = _("ungpho administration")
admin.site.index_title = _("Administration of the incident response system")

urlpatterns = [
    path("", include("ungpho.web.urls")),
    path("", include("ungpho.incidents.urls")),
    path("", include("ungpho.public.urls")),
    path("", include("ungpho.monitoring.urls")),
    path("", include("ungpho.preparedness.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
