"""Who may see what. Object-level scoping lives here, never in templates."""

from __future__ import annotations

from django.db.models import Q

from ungpho.accounts.models import Scope
from ungpho.accounts.roles import Role


def user_role(user) -> Role | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    names = set(user.groups.values_list("name", flat=True))
    for role in Role:  # first in the enum's order wins if a user was put in several groups
        if role.value in names:
            return role
    return None


def scope_filter(user, *, province_field: str, facility_field: str | None = None) -> Q | None:
    """A filter restricting a queryset to the user's scope; None means the user sees nothing.

    National duty officers and administrators see the whole country; a provincial command
    board sees its province; a facility operator sees its facilities.
    """
    role = user_role(user)
    if role in (Role.NATIONAL_DUTY, Role.ADMINISTRATOR):
        return Q()
    scope = Scope.objects.filter(user=user).first()
    if scope is None:
        return None
    if role == Role.PROVINCIAL_COMMAND and scope.province_id:
        return Q(**{province_field: scope.province_id})
    if role == Role.FACILITY_OPERATOR and facility_field:
        return Q(**{f"{facility_field}__in": scope.facilities.all()})
    return None


def scoped(queryset, user, *, province_field: str = "province",
           facility_field: str | None = None):
    condition = scope_filter(user, province_field=province_field, facility_field=facility_field)
    return queryset.none() if condition is None else queryset.filter(condition)
