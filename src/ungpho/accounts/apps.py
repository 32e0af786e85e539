from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ungpho.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from ungpho.accounts.services import roles_ensure_on_migrate

        post_migrate.connect(roles_ensure_on_migrate, sender=self)
