"""What the outbox tells the apps above it; receivers run in the sender's transaction."""

from django.dispatch import Signal

#: A message was accepted by the other side and marked sent. Arguments: ``notification``
#: (the :class:`~ungpho.alerts.models.Notification`), ``at`` (when it was marked sent).
notification_sent = Signal()
