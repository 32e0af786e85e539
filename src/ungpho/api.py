"""The REST API (django-ninja); OpenAPI at /api/docs.

Every refusal has one shape, ``{"errors": [{"field", "message"}]}`` (docs/api.md): a body
that cannot be read at all (400, field ``body``), a value a schema refuses (422, the field by
its path, e.g. ``due_at`` or ``positions[2].lat``), a body over the limit (413)."""

from django.core.exceptions import RequestDataTooBig
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from ungpho import __version__
from ungpho.alerts.api import router as notifications_router
from ungpho.core.validate import Invalid, json_loads
from ungpho.geo.api import router as geo_router
from ungpho.http_input import errors_json, too_large_json
from ungpho.incidents.api import router as incidents_router
from ungpho.incidents.api_closure import router as closure_router
from ungpho.incidents.api_incidents import router as incident_router
from ungpho.incidents.api_workflow import router as incident_response_router
from ungpho.monitoring.api import router as monitoring_router
from ungpho.monitoring.api_reads import router as monitoring_reads_router
from ungpho.preparedness.api import router as preparedness_router
from ungpho.preparedness.api_trackers import router as trackers_router
from ungpho.web.api import router as web_router


class _JsonParser(Parser):
    """JSON read by ``core.validate.json_loads``: any unreadable body is an ``Invalid``."""

    def parse_body(self, request):
        return json_loads(request.body)


api = NinjaAPI(title="ungpho API", version=__version__, docs_url="/docs", urls_namespace="api",
               parser=_JsonParser())
api.add_router("/v1/", monitoring_router)
api.add_router("/v1/monitoring/", monitoring_reads_router)
api.add_router("/v1/geo/", geo_router)
api.add_router("/v1/", trackers_router)
api.add_router("/v1/preparedness/", preparedness_router)
api.add_router("/v1/", web_router)
api.add_router("/v1/", closure_router)
api.add_router("/v1/", incident_router)
api.add_router("/v1/incidents/", incidents_router)
api.add_router("/v1/", incident_response_router)
api.add_router("/v1/", notifications_router)


def field_path(loc: tuple) -> str:
    """A schema error's location as the field a client sent: ``("body", "body", "positions",
    2, "lat")`` → ``positions[2].lat``; ``("query", "lat")`` → ``lat``."""
    parts = list(loc[1:])
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]  # the view's parameter name, not the client's
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path or str(loc[0] if loc else "body")


@api.exception_handler(ValidationError)
def _schema_refused(request, error: ValidationError):
    return errors_json(422, [(field_path(tuple(e.get("loc", ()))),
                              str(e.get("msg", "")).removeprefix("Value error, "))
                             for e in error.errors])


@api.exception_handler(HttpError)
def _http_error(request, error: HttpError):
    if isinstance(error.__cause__, Invalid):  # the parser could not read the body
        return errors_json(400, [(error.__cause__.field, error.__cause__.message)])
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)


@api.exception_handler(RequestDataTooBig)
def _too_large(request, error: RequestDataTooBig):
    return too_large_json()
