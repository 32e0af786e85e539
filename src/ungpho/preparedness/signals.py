"""What the source registry tells the apps above it. Sent synchronously: the receivers run
in the sender's transaction, so what they write commits or rolls back with the registry."""

from django.dispatch import Signal

#: A source lost, stolen, or tracked astray: its report on the duty desk is opened, with its
#: notifications, or the open one added to (``incidents.receivers``). Arguments: ``source``,
#: ``kind`` ("source" or "tracker"), ``decision`` (the source's facts and the criterion),
#: ``at``, ``lat``, ``lon``, ``province_code`` (where it is or was last known) and ``by``.
source_report_raised = Signal()

#: A lost or stolen source back in hand (``source.status`` the new status). Arguments:
#: ``source``, ``by``.
source_found = Signal()
