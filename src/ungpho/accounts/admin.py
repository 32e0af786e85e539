from django.contrib import admin

from ungpho.accounts.models import Scope


@admin.register(Scope)
class ScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "province"]
    filter_horizontal = ["facilities"]
