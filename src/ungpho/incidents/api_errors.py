"""One shape for every refusal of the incidents API: ``{"errors": [{"field", "message"}]}``
(as the monitoring and tracker APIs answer), each field at fault named."""

from __future__ import annotations

from ninja import Status


def errors_response(status: int, problems: list[tuple[str, str]]) -> Status:
    return Status(status, {"errors": [{"field": f, "message": m} for f, m in problems]})
