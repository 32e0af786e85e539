from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from ungpho.accounts.models import Scope
from ungpho.accounts.roles import Role
from ungpho.audit.services import audit_record
from ungpho.geo.models import Province

ERR_PROVINCE_REQUIRED = "province: a provincial command account needs a province code"
ERR_FACILITY_REQUIRED = "facilities: a facility operator account needs at least one facility"
ERR_UNKNOWN_PROVINCE = "province: no province with code {code!r}"
ERR_UNKNOWN_FACILITY = "facilities: no facility with code {code!r}"


def roles_ensure() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def roles_ensure_on_migrate(sender, using="default", **kwargs):
    if using == "default":
        roles_ensure()


@transaction.atomic
def user_upsert(*, username: str, password: str | None, role: Role, email: str = "",
                province_code: str | None = None, facility_codes: tuple[str, ...] = (),
                full_name: str = "", by=None):
    """Create or update an account with exactly one role and its scope."""
    if role == Role.PROVINCIAL_COMMAND and not province_code:
        raise ValidationError(ERR_PROVINCE_REQUIRED)
    if role == Role.FACILITY_OPERATOR and not facility_codes:
        raise ValidationError(ERR_FACILITY_REQUIRED)
    province = None
    if province_code:
        province = Province.objects.filter(code=province_code).first()
        if province is None:
            raise ValidationError(ERR_UNKNOWN_PROVINCE.format(code=province_code))
    facilities = []
    # The facility model through the scope's relation: the registry (preparedness) is an
    # app above accounts.
    facility_model = Scope._meta.get_field("facilities").related_model
    for code in facility_codes:
        facility = facility_model.objects.filter(code=code).first()
        if facility is None:
            raise ValidationError(ERR_UNKNOWN_FACILITY.format(code=code))
        facilities.append(facility)

    roles_ensure()
    user, created = get_user_model().objects.get_or_create(username=username)
    user.email = email
    user.first_name = full_name
    user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
    if password is not None:
        user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role.value)])
    scope, _ = Scope.objects.get_or_create(user=user)
    scope.province = province
    scope.save()
    scope.facilities.set(facilities)
    audit_record(by=by, action="user.create" if created else "user.update", obj=user,
                 after={"username": username, "email": email, "role": role.value,
                        "province": province_code, "facilities": sorted(facility_codes)})
    return user
