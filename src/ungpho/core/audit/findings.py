"""What verifying the audit log can find wrong, in one shape for the chain, the anchors and
the audited rows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One thing found wrong. ``kind`` says what (``chain.*``: the entries' links,
    ``anchor.*``: the anchors kept outside the database, ``row.*``: an audited row against its
    last audited image); ``message`` says it in Vietnamese and English."""

    kind: str
    message: str
    seq: int | None = None
    table: str | None = None
    row: str | None = None
    field: str | None = None
    stored: object = None
    audited: object = None
    audit_seq: int | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()
                if v is not None or k in ("stored", "audited") and self.field is not None}
