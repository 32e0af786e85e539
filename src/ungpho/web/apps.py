from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "ungpho.web"
    verbose_name = _("Web")

    def ready(self):
        # Views import models: only once the apps are loaded.
        from ungpho.incidents.views.incident import page_section_register
        from ungpho.web import incident_messages

        page_section_register(incident_messages.context)
