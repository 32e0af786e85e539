"""The station pages: the register and one station's page."""

from django.urls import path

from ungpho.monitoring.views import station, station_list

urlpatterns = [
    path("stations/", station_list.station_register, name="stations"),
    path("stations/<slug:code>/", station.station_detail, name="station"),
]
