"""The pages that span apps: the duty desk, the operations map, search, the public portal."""

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from ungpho.web import air_quality, public_alerts, search, views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="duty-desk"), name="home"),
    # Browsers ask for /favicon.ico on every page, the admin's too.
    path("favicon.ico", RedirectView.as_view(url=static("ungpho/favicon.svg"), permanent=True)),
    path("duty/", views.duty_desk, name="duty-desk"),
    path("duty/reports", views.duty_desk_reports, name="duty-desk-reports"),
    path("map/", views.operations_map, name="map"),
    path("search/", search.search, name="search"),
    path("public/", air_quality.public_air_quality, name="public"),
    path("public/alerts/", public_alerts.alerts_page, name="public-alerts"),
    path("public/alerts.atom", public_alerts.alerts_atom_view, name="public-alerts-atom"),
    path("public/alerts/<str:identifier>.xml", public_alerts.alert_cap, name="public-alert-cap"),
    path("public/alerts/<str:identifier>/", public_alerts.alert_page, name="public-alert"),
    path("healthz", views.healthz, name="healthz"),
]
