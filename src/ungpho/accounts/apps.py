from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "ungpho.accounts"
    verbose_name = "Tài khoản và vai trò / Accounts and roles"

    def ready(self):
        from ungpho.accounts.services import roles_ensure_on_migrate

        post_migrate.connect(roles_ensure_on_migrate, sender=self)
