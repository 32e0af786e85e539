from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ungpho.web"
    verbose_name = "Giao diện / Web"
