"""The one error the incident services raise: what was refused, field by field, so that a
page shows it beside its field and the API answers it in the one error shape."""

from __future__ import annotations


class IncidentError(ValueError):
    """``problems``: (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))
