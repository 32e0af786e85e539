from django.apps import AppConfig


class PreparednessConfig(AppConfig):
    name = "ungpho.preparedness"
    verbose_name = "Chuẩn bị ứng phó / Preparedness"
