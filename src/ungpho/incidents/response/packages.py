"""Activation packages (gói kích hoạt): the operations centre's pre-planned first response
to a kind of event, applied to an incident in one action and one transaction — its tasks
created with due times from now and owners from the incident's roles, its parties to
notify and its resource needs recorded, the whole logged. A package is applied to an
incident once; applying it again adds nothing.

The seed packages (``activation_packages.yaml``) cite TT 12/2023/TT-BKHCN and QĐ 1251/QĐ-TTg
where their content is the law's (Phụ lục VI times, Phụ lục VII phases, Phụ lục VIII
cordons and messages); an item without a citation is the operations centre's plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.apps import apps as django_apps
from django.db import IntegrityError, transaction

from ungpho.audit.services import Actor
from ungpho.core.response.packages import incident_kinds, package_fit
from ungpho.core.yaml_strict import yaml_strict
from ungpho.incidents.errors import IncidentError
from ungpho.incidents.lifecycle import ERR_CLOSED
from ungpho.incidents.log import log_add
from ungpho.incidents.models import (
    ActivationPackage,
    Incident,
    IncidentLogEntry,
    IncidentTask,
    PackageApplication,
)
from ungpho.incidents.notification.plans import incident_notify
from ungpho.incidents.response.roles import roles_current
from ungpho.incidents.response.tasks import task_create

SEED = Path(__file__).with_name("activation_packages.yaml")
ERR_INACTIVE = "package {code} is not active"


def packages_suggest(incident: Incident) -> list[tuple[ActivationPackage, tuple[str, ...]]]:
    """Every active package, those fitting the incident's kind, category and level first
    (best fit first, with why), then the others (with no why)."""
    latest = incident.classifications.order_by("at", "pk").last()
    kinds = incident_kinds(latest.facts if latest else {},
                           report_sources=incident.reports.values_list("source", flat=True),
                           hazard_category=incident.hazard_category or None)
    ranked = []
    for package in ActivationPackage.objects.filter(active=True):
        fit = package_fit(kind=package.kind, categories=package.categories(),
                          levels=package.levels(), incident_kinds=kinds,
                          hazard_category=incident.hazard_category or None,
                          alarm_level=incident.alarm_level)
        ranked.append((-fit.score if fit.fits else 1, package.kind, package.code, package,
                       fit.why if fit.fits else ()))
    return [(package, why) for *_key, package, why in sorted(ranked, key=lambda r: r[:3])]


def _content(package: ActivationPackage) -> dict:
    return {
        "code": package.code, "name": {"vi": package.name_vi, "en": package.name_en},
        "basis": package.basis,
        "tasks": [{"title": {"vi": t.title_vi, "en": t.title_en}, "due_minutes": t.due_minutes,
                   "role": t.role, "cite": t.cite} for t in package.tasks.all()],
        "notify": [{"party": n.party, "name": {"vi": n.name_vi, "en": n.name_en},
                    "cite": n.cite} for n in package.notifications.all()],
        "resources": [{"resource": {"vi": r.resource_vi, "en": r.resource_en},
                       "quantity": r.quantity, "unit": {"vi": r.unit_vi, "en": r.unit_en},
                       "cite": r.cite} for r in package.resources.all()]}


@transaction.atomic
def package_apply(*, incident: Incident, package: ActivationPackage, by,
                  now: dt.datetime | None = None) -> tuple[PackageApplication, bool]:
    """Apply ``package`` to the incident: (the application, whether it was applied now).
    Each task is due ``due_minutes`` after now and owned by whoever holds its role (none
    while the role is vacant: the task shows the role)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status != Incident.Status.OPEN:
        raise IncidentError([("incident", ERR_CLOSED.format(incident=incident.code))])
    existing = PackageApplication.objects.filter(incident=incident, package=package).first()
    if existing is not None:
        return existing, False
    if not package.active:
        raise IncidentError([("package", ERR_INACTIVE.format(code=package.code))])
    now = now or dt.datetime.now(dt.UTC)
    content = _content(package)
    try:
        with transaction.atomic():
            application = PackageApplication.objects.create(
                incident=incident, package=package, applied_at=now,
                applied_by=Actor.of(by).label, content=content)
    except IntegrityError:  # applied by someone else a moment ago
        return PackageApplication.objects.get(incident=incident, package=package), False
    holders = roles_current(incident)
    for item in content["tasks"]:
        holder = holders.get(item["role"])
        task_create(incident=incident, title=f"{item['title']['vi']} / {item['title']['en']}",
                    by=by, owner=holder.user if holder else None,
                    due_at=now + dt.timedelta(minutes=item["due_minutes"]),
                    origin=IncidentTask.Origin.PACKAGE, role=item["role"],
                    cite=item["cite"], application=application, now=now)
    parties = ", ".join(p["name"]["vi"] for p in content["notify"]) or "—"
    log_add(incident=incident, kind=IncidentLogEntry.Kind.PACKAGE, by=by, at=now,
            text=f"Kích hoạt gói {package.code}: {package.name_vi} — {len(content['tasks'])} "
                 f"nhiệm vụ, thông báo: {parties}, {len(content['resources'])} nguồn lực / "
                 f"package applied: {package.name_en}",
            data={"application": application.pk, "package": package.code,
                  "notify": [p["party"] for p in content["notify"]],
                  "resources": content["resources"]})
    incident_notify(incident=incident, by=by, now=now, also=[
        (p["party"], p["cite"] or f"gói kích hoạt / package {package.code}")
        for p in content["notify"]])
    return application, True


def packages_seed(apps=None, path: Path = SEED) -> int:
    """Create the packages of the seed file that do not exist yet (an edited one is kept);
    returns how many. ``apps``: a migration's app registry, else the current models."""
    registry = apps or django_apps
    models = {name: registry.get_model("incidents", name) for name in (
        "ActivationPackage", "PackageTask", "PackageNotification", "PackageResource")}
    created = 0
    for row in yaml_strict(path.read_text(encoding="utf-8"))["packages"]:
        package, new = models["ActivationPackage"].objects.get_or_create(
            code=row["code"], defaults={
                "name_vi": row["name"]["vi"], "name_en": row["name"]["en"], "kind": row["kind"],
                "hazard_categories": ",".join(row.get("categories", [])),
                "alarm_levels": ",".join(str(n) for n in row.get("levels", [])),
                "basis": row.get("basis", "")})
        if not new:
            continue
        created += 1
        for order, task in enumerate(row.get("tasks", [])):
            models["PackageTask"].objects.create(
                package=package, order=order, title_vi=task["vi"], title_en=task["en"],
                due_minutes=task["due_minutes"], role=task.get("role", ""),
                cite=task.get("cite", ""))
        for party in row.get("notify", []):
            models["PackageNotification"].objects.create(
                package=package, party=party["party"], name_vi=party["vi"],
                name_en=party["en"], cite=party.get("cite", ""))
        for need in row.get("resources", []):
            models["PackageResource"].objects.create(
                package=package, resource_vi=need["vi"], resource_en=need["en"],
                quantity=need["quantity"], unit_vi=need["unit"]["vi"],
                unit_en=need["unit"]["en"], cite=need.get("cite", ""))
    return created
