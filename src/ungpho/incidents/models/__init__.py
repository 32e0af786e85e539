"""The incidents app's models, one module per concept; imported from here."""

from ungpho.incidents.models.closure import ClosureDecision, FinalReport
from ungpho.incidents.models.deadlines import Deadline, EscalationStep
from ungpho.incidents.models.incidents import (
    Classification,
    Incident,
    IncidentLogEntry,
    IncidentRole,
)
from ungpho.incidents.models.report_deadlines import ReportDeadline
from ungpho.incidents.models.reports import CloseReason, IncidentReport, ReportStatusChange
from ungpho.incidents.models.workflow import (
    ActivationPackage,
    ChecklistTick,
    IncidentTask,
    PackageApplication,
    PackageNotification,
    PackageResource,
    PackageTask,
    PhaseChange,
    SituationReport,
)

__all__ = [
    "ActivationPackage", "ChecklistTick", "Classification", "CloseReason", "ClosureDecision",
    "Deadline", "EscalationStep", "FinalReport", "Incident", "IncidentLogEntry",
    "IncidentReport", "IncidentRole", "IncidentTask", "PackageApplication",
    "PackageNotification", "PackageResource", "PackageTask", "PhaseChange", "ReportDeadline",
    "ReportStatusChange", "SituationReport",
]
