from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from ungpho.api import api
from ungpho.web import (
    air_quality,
    incident_messages,
    public_alerts,
    search,
    views,
)

# The admin's titles in the user's language (Django's own: "Django site admin").
admin.site.site_header = admin.site.site_title = _("ungpho administration")
admin.site.index_title = _("Administration of the incident response system")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="duty-desk"), name="home"),
    # Browsers ask for /favicon.ico on every page, the admin's too.
    path("favicon.ico", RedirectView.as_view(url=static("ungpho/favicon.svg"), permanent=True)),
    path("duty/", views.duty_desk, name="duty-desk"),
    path("duty/reports", views.duty_desk_reports, name="duty-desk-reports"),
    path("", include("ungpho.incidents.urls")),
    path("incidents/<int:pk>/messages/new", incident_messages.message_new,
         name="incident-message-new"),
    path("incidents/<int:pk>/messages/cancel", incident_messages.message_cancel,
         name="incident-message-cancel"),
    path("incidents/<int:pk>/messages/<int:mid>/", incident_messages.message_page,
         name="incident-message"),
    path("map/", views.operations_map, name="map"),
    path("", include("ungpho.monitoring.urls")),
    path("search/", search.search, name="search"),
    path("", include("ungpho.preparedness.urls")),
    path("public/", air_quality.public_air_quality, name="public"),
    path("public/alerts/", public_alerts.alerts_page, name="public-alerts"),
    path("public/alerts.atom", public_alerts.alerts_atom_view, name="public-alerts-atom"),
    path("public/alerts/<str:identifier>.xml", public_alerts.alert_cap, name="public-alert-cap"),
    path("public/alerts/<str:identifier>/", public_alerts.alert_page, name="public-alert"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
