"""The pages of facilities and radioactive sources: their registers, a facility's page and a
lost source found."""

from django.urls import path

from ungpho.preparedness.views import facilities

urlpatterns = [
    path("facilities/", facilities.facility_register, name="facilities"),
    path("facilities/<slug:code>/", facilities.facility_detail, name="facility"),
    path("sources/", facilities.source_register, name="sources"),
    path("sources/<str:serial>/found", facilities.source_found, name="source-found"),
]
