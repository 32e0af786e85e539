"""Public information on an incident: its messages drafted, cancelled, edited, approved and
released. The public portal that shows the released ones (/public/alerts/…) is in ``web``."""

from django.urls import path

from ungpho.public import views

urlpatterns = [
    path("incidents/<int:pk>/messages/new", views.message_new, name="incident-message-new"),
    path("incidents/<int:pk>/messages/cancel", views.message_cancel,
         name="incident-message-cancel"),
    path("incidents/<int:pk>/messages/<int:mid>/", views.message_page, name="incident-message"),
]
