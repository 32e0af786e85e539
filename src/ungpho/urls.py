from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from ungpho.api import api
from ungpho.web import (
    facilities,
    incident_closure,
    incident_messages,
    incident_roles,
    incidents,
    public_alerts,
    stations,
    views,
)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="duty-desk"), name="home"),
    path("duty/", views.duty_desk, name="duty-desk"),
    path("duty/reports", views.duty_desk_reports, name="duty-desk-reports"),
    path("duty/reports/<int:pk>/close", views.report_close, name="report-close"),
    path("duty/reports/<int:pk>/incident", incidents.report_incident_open,
         name="report-incident-open"),
    path("duty/reports/<int:pk>/link", incidents.report_incident_link,
         name="report-incident-link"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("incidents/<int:pk>/log", incidents.incident_log, name="incident-log"),
    path("incidents/<int:pk>/roles", incident_roles.incident_role_appoint, name="incident-role"),
    path("incidents/<int:pk>/messages/new", incident_messages.message_new,
         name="incident-message-new"),
    path("incidents/<int:pk>/messages/cancel", incident_messages.message_cancel,
         name="incident-message-cancel"),
    path("incidents/<int:pk>/messages/<int:mid>/", incident_messages.message_page,
         name="incident-message"),
    path("incidents/<int:pk>/final-report", incident_closure.incident_final_report_save,
         name="incident-final-report"),
    path("incidents/<int:pk>/closure", incident_closure.incident_closure_post,
         name="incident-closure"),
    path("incidents/<int:pk>/report.<str:fmt>", incident_closure.incident_report_download,
         name="incident-report"),
    path("map/", views.operations_map, name="map"),
    path("stations/<slug:code>/", stations.station_detail, name="station"),
    path("facilities/", facilities.facility_register, name="facilities"),
    path("facilities/<slug:code>/", facilities.facility_detail, name="facility"),
    path("sources/", facilities.source_register, name="sources"),
    path("public/", stations.public_air_quality, name="public"),
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
