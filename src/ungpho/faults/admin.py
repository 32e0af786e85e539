"""The faults admin: dead letters and worker steps, for the administrator to see; nothing here
is edited. A dead letter is retried through its door (the "retry" action, as ``ungpho
deadletters retry``) and its payload is shown as escaped text, never as HTML: it is whatever
an outsider sent."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ungpho.core.printable import printable_text
from ungpho.faults.doors import deadletter_retry
from ungpho.faults.models import DeadLetter, StepHealth
from ungpho.platform.admin_read_only import ReadOnlyAdmin

#: Characters of a payload shown on the page (the rest: ``ungpho deadletters show --json``).
PAYLOAD_CHARS = 20_000


class OpenFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("1", _("open")), ("0", _("resolved"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(resolved_at__isnull=self.value() == "1")
        return queryset


@admin.action(description=_("Retry the selected dead letters through their door"),
              permissions=["retry"])
def retry(modeladmin, request, queryset):
    taken = still = 0
    for letter in queryset.filter(resolved_at__isnull=True).order_by("received_at", "id"):
        resolved, outcome = deadletter_retry(letter)
        if resolved:
            taken += 1
        else:
            still += 1
            modeladmin.message_user(request, _("#%(id)s is still dead: %(reason)s") % {
                "id": letter.pk, "reason": printable_text(outcome, max_chars=300)},
                messages.WARNING)
    if taken:
        modeladmin.message_user(request, ngettext(
            "%(count)d dead letter taken in.", "%(count)d dead letters taken in.", taken) % {
            "count": taken}, messages.SUCCESS)
    if not taken and not still:
        modeladmin.message_user(request, _("No open dead letter was selected."),
                                messages.INFO)


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdmin):
    list_display = ["id", "last_received_shown", "door", "source_shown", "field_shown",
                    "reason_shown", "times_received"]
    list_display_links = ["id", "source_shown"]
    list_filter = [OpenFilter, "door"]
    search_fields = ["source", "reason", "field"]
    date_hierarchy = "received_at"
    actions = [retry]
    fields = ["door", "source_shown", "field_shown", "reason_shown", "received_at",
              "last_received_at", "times_received", "attempts", "last_attempt_at",
              "resolved_at", "resolution_shown", "size_bytes", "truncated", "sha256",
              "payload_shown"]
    readonly_fields = fields

    class Media:
        css = {"all": ["faults/admin.css"]}

    def get_queryset(self, request):
        # The list shows no payload (up to 1 MiB each); the page of one loads its own.
        return super().get_queryset(request).defer("payload")

    def has_retry_permission(self, request):
        return request.user.has_perm("faults.change_deadletter")

    @admin.display(description=_("source"), ordering="source")
    def source_shown(self, obj):
        return printable_text(obj.source)

    @admin.display(description=_("last received at"), ordering="last_received_at")
    def last_received_shown(self, obj):
        return timezone.localtime(obj.last_received_at).strftime("%d/%m/%Y %H:%M")

    @admin.display(description=_("field"), ordering="field")
    def field_shown(self, obj):
        # The field's name in the input's own format (readings[3].time): code, not words.
        return format_html('<code lang="zxx">{}</code>', printable_text(obj.field)) \
            if obj.field else ""

    @admin.display(description=_("reason"))
    def reason_shown(self, obj):
        return printable_text(obj.reason, max_chars=300)

    @admin.display(description=_("resolution"))
    def resolution_shown(self, obj):
        return printable_text(obj.resolution)

    @admin.display(description=_("payload"))
    def payload_shown(self, obj):
        if obj.payload is None:
            return _("(could not be read)")
        # format_html escapes the text: markup in a payload is shown, never rendered.
        return format_html('<pre class="deadletter-payload">{}</pre>',
                           printable_text(bytes(obj.payload), max_chars=PAYLOAD_CHARS))


@admin.register(StepHealth)
class StepHealthAdmin(ReadOnlyAdmin):
    list_display = ["name", "failing", "failing_since", "consecutive_failures",
                    "total_failures", "last_failed_at", "error_shown", "last_worker",
                    "recovered_at"]
    list_filter = ["failing"]
    fields = ["name", "failing", "failing_since", "consecutive_failures", "total_failures",
              "last_failed_at", "last_worker", "recovered_at", "error_shown"]
    readonly_fields = fields

    @admin.display(description=_("last error"))
    def error_shown(self, obj):
        return printable_text(obj.last_error, max_chars=2000)
