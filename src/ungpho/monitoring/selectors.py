from __future__ import annotations

from ungpho.accounts.selectors import scoped
from ungpho.monitoring.models import Station
from ungpho.monitoring.tokens import token_digest


def station_by_token(token: str) -> Station | None:
    if not token:
        return None
    return Station.objects.select_related("province").filter(
        token_sha256=token_digest(token)).first()


def station_list(*, user):
    return scoped(Station.objects.select_related("province"), user, province_field="province")
