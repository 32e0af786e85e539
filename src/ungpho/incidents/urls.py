"""The pages of reports and incidents: reception, the report's status, the incident list, the
incident page and its sections' forms, notifications and their acknowledgement."""

from django.urls import include, path

from ungpho.incidents.views import (
    closure,
    facts,
    incident,
    incident_list,
    notifications,
    reception,
    report_status,
    response,
    roles,
)

urlpatterns = [
    path("duty/reports/new", reception.report_new, name="report-new"),
    path("duty/reports/<int:pk>/", reception.report_detail, name="report"),
    path("duty/reports/closed/", report_status.reports_closed, name="reports-closed"),
    path("duty/reports/<int:pk>/close", report_status.report_close_page, name="report-close"),
    path("duty/reports/<int:pk>/reopen", report_status.report_reopen_post,
         name="report-reopen"),
    path("duty/reports/<int:pk>/incident", incident.report_incident_open,
         name="report-incident-open"),
    path("duty/reports/<int:pk>/link", incident.report_incident_link,
         name="report-incident-link"),
    path("incidents/", incident_list.incident_list, name="incidents"),
    path("incidents/closed/", incident_list.incidents_closed, name="incidents-closed"),
    path("incidents/<int:pk>/", incident.incident_detail, name="incident"),
    path("incidents/<int:pk>/log", incident.incident_log, name="incident-log"),
    path("incidents/<int:pk>/roles", roles.incident_role_appoint, name="incident-role"),
    path("incidents/<int:pk>/final-report", closure.incident_final_report_save,
         name="incident-final-report"),
    path("incidents/<int:pk>/closure", closure.incident_closure_post,
         name="incident-closure"),
    path("incidents/<int:pk>/report.<str:fmt>", closure.incident_report_download,
         name="incident-report"),
    path("incidents/<int:pk>/classify", facts.incident_facts_classify,
         name="incident-facts-classify"),
    path("incidents/<int:pk>/response/", include([
        path("checklist", response.incident_checklist, name="incident-checklist"),
        path("phase", response.incident_phase, name="incident-phase"),
        path("tasks", response.incident_task_create, name="incident-task-create"),
        path("tasks/<int:task>", response.incident_task_update, name="incident-task-update"),
        path("packages/<int:package>/apply", response.incident_package_apply,
             name="incident-package-apply"),
        path("sitreps", response.incident_sitrep_issue, name="incident-sitrep"),
    ])),
    path("incidents/<int:pk>/notify", notifications.incident_notify_again,
         name="incident-notify"),
    path("ack/<str:token>", notifications.notification_ack, name="notification-ack"),
    path("inbox/", notifications.inbox, name="inbox"),
]
