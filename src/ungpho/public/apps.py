from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """Public information: authoring the public messages of an incident (TT 12/2023 Phụ lục
    VIII), their areas, CAP 1.2 documents and Atom feed. No models: ``PublicMessage`` lives
    in ``alerts`` (its migrations keep their history)."""

    name = "ungpho.public"
    label = "public"
    verbose_name = _("Public information")

    def ready(self):
        # Here, not at the top: the views import models, loaded only once the apps are.
        from ungpho.incidents.page_cards import card_register
        from ungpho.public import views

        card_register("public/_incident_messages.html", views.context)
