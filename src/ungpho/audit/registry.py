"""The audited rows: the models whose every write records an image of the row in the audit
chain (``audit.services.audit_image``), and which ``ungpho audit verify`` compares with their
last image. Domain apps register their models when they are ready (the audit app sits below
them and names none)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Audited:
    model: type[models.Model]
    #: The fields an image holds (names); None: every concrete field.
    fields: tuple[str, ...] | None
    #: The rows that must have an image (a filter); None: every row.
    required: models.Q | None
    #: Checked by every ``audit verify`` (the incident log); else by ``--deep`` only.
    always: bool

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def image_keys(self) -> frozenset[str]:
        """What an entry's ``after`` holds when it is an image of a row: the audited fields,
        or for whole rows the primary key (other entries about a row hold neither)."""
        meta = self.model._meta
        if self.fields is None:
            return frozenset({meta.pk.attname})
        return frozenset(meta.get_field(name).attname for name in self.fields)

    def is_image(self, after) -> bool:
        return isinstance(after, dict) and self.image_keys <= after.keys()


AUDITED: dict[str, Audited] = {}


def audited_register(model: type[models.Model], *, fields: tuple[str, ...] | None = None,
                     required: models.Q | None = None, always: bool = False) -> None:
    entry = Audited(model, fields, required, always)
    AUDITED[entry.label] = entry
