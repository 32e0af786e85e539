from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from ungpho.api import api
from ungpho.web import (
    facilities,
    incident_closure,
    incident_facts,
    incident_notifications,
    incident_response,
    incident_roles,
    incidents,
    lists,
    public_alerts,
    reception,
    report_status,
    search,
    stations,
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
    path("duty/reports/new", reception.report_new, name="report-new"),
    path("duty/reports/<int:pk>/", reception.report_detail, name="report"),
    path("duty/reports/closed/", report_status.reports_closed, name="reports-closed"),
    path("duty/reports/<int:pk>/close", report_status.report_close_page, name="report-close"),
    path("duty/reports/<int:pk>/reopen", report_status.report_reopen_post,
         name="report-reopen"),
    path("duty/reports/<int:pk>/incident", incidents.report_incident_open,
         name="report-incident-open"),
    path("duty/reports/<int:pk>/link", incidents.report_incident_link,
         name="report-incident-link"),
    path("incidents/", lists.incident_list, name="incidents"),
    path("incidents/closed/", lists.incidents_closed, name="incidents-closed"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("incidents/<int:pk>/log", incidents.incident_log, name="incident-log"),
    path("incidents/<int:pk>/roles", incident_roles.incident_role_appoint, name="incident-role"),
    path("", include("ungpho.public.urls")),
    path("incidents/<int:pk>/final-report", incident_closure.incident_final_report_save,
         name="incident-final-report"),
    path("incidents/<int:pk>/closure", incident_closure.incident_closure_post,
         name="incident-closure"),
    path("incidents/<int:pk>/report.<str:fmt>", incident_closure.incident_report_download,
         name="incident-report"),
    path("incidents/<int:pk>/classify", incident_facts.incident_facts_classify,
         name="incident-facts-classify"),
    path("incidents/<int:pk>/response/", include(incident_response.urls)),
    path("incidents/<int:pk>/notify", incident_notifications.incident_notify_again,
         name="incident-notify"),
    path("ack/<str:token>", incident_notifications.notification_ack, name="notification-ack"),
    path("inbox/", incident_notifications.inbox, name="inbox"),
    path("map/", views.operations_map, name="map"),
    path("stations/", lists.station_register, name="stations"),
    path("search/", search.search, name="search"),
    path("stations/<slug:code>/", stations.station_detail, name="station"),
    path("facilities/", facilities.facility_register, name="facilities"),
    path("facilities/<slug:code>/", facilities.facility_detail, name="facility"),
    path("sources/", facilities.source_register, name="sources"),
    path("sources/<str:serial>/found", facilities.source_found, name="source-found"),
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
