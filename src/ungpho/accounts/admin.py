from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from ungpho.accounts.models import Scope
from ungpho.accounts.roles import Role


@admin.register(Scope)
class ScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "province"]
    filter_horizontal = ["facilities"]


def role_named(group: Group) -> str:
    """A role's group by the role's name, not its key (``national_duty``)."""
    return str(Role(group.name).label) if group.name in {r.value for r in Role} else group.name


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(role.value, role.label) for role in Role]

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


admin.site.unregister(Group)
admin.site.unregister(get_user_model())


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    list_display = ["role_shown"]

    @admin.display(description=_("role"), ordering="name")
    def role_shown(self, group: Group) -> str:
        return role_named(group)


@admin.register(get_user_model())
class RoleUserAdmin(UserAdmin):
    list_filter = ["is_staff", "is_superuser", "is_active", RoleFilter]
