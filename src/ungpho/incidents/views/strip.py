"""The status strip heading the incident page: what an officer needs in the first minute —
alarm level and scope, every running legal deadline (TT 12/2023 Phụ lục VI), overdue tasks,
who holds each role, notifications not yet acknowledged and the next step of the current
response phase (Phụ lục VII) — each linking to its section below. Built from the sections'
own context, so the strip and the sections never disagree."""

from __future__ import annotations

from ungpho.core.response.phases import phase_next_step
from ungpho.incidents.models import Deadline


def context(page: dict) -> dict:
    """``page``: the incident page's context (deadlines, roles, response, notifications)."""
    phases = page["response"]["phases"]["phases"] or []
    return {"strip": {
        "deadlines": [d for d in page["deadlines"] if d.met_at is None and d.status in (
            Deadline.Status.PENDING, Deadline.Status.BREACHED)],
        "overdue_tasks": [task for task, overdue in page["response"]["tasks"] if overdue],
        "unacknowledged": [n for n in page["notifications"] if n.ack_required
                           and n.acknowledged_at is None and n.reminder_of_id is None],
        "next_step": phase_next_step([row["progress"] for row in phases])}}
