"""Reads of the operational faults, for `ungpho check`, the CLI and the admin."""

from __future__ import annotations

from django.db.models import QuerySet

from ungpho.faults.models import DeadLetter, StepHealth


def deadletters_open() -> QuerySet[DeadLetter]:
    return DeadLetter.objects.filter(resolved_at__isnull=True).defer("payload")


def steps_failing() -> QuerySet[StepHealth]:
    return StepHealth.objects.filter(failing=True)
