from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from ungpho.api import api
from ungpho.web import facilities, incident_notifications, incidents, stations, views

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
    path("ack/<str:token>", incident_notifications.notification_ack, name="notification-ack"),
    path("inbox/", incident_notifications.inbox, name="inbox"),
    path("map/", views.operations_map, name="map"),
    path("stations/<slug:code>/", stations.station_detail, name="station"),
    path("facilities/", facilities.facility_register, name="facilities"),
    path("facilities/<slug:code>/", facilities.facility_detail, name="facility"),
    path("sources/", facilities.source_register, name="sources"),
    path("public/", stations.public_air_quality, name="public"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
