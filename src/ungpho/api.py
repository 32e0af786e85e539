"""The REST API (django-ninja); OpenAPI at /api/docs.

Every refusal has one shape, ``{"errors": [{"field", "message"}]}`` (docs/api.md): a body
that cannot be read at all (400, field ``body``), a value a schema refuses (422, the field by
its path, e.g. ``due_at`` or ``positions[2].lat``), a body over the limit (413)."""

from django.core.exceptions import RequestDataTooBig
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from ungpho import __version__
from ungpho.core.validate import Invalid, json_loads
from ungpho.geo.api import router as geo_router
from ungpho.incidents.api import router as incidents_router
from ungpho.monitoring.api import router as monitoring_router
from ungpho.platform.api_errors import errors_json, field_path
from ungpho.platform.http_input import too_large_json
from ungpho.preparedness.api import router as preparedness_router
from ungpho.web.api import router as web_router


class _JsonParser(Parser):
    """JSON read by ``core.validate.json_loads``: any unreadable body is an ``Invalid``."""

    def parse_body(self, request):
        return json_loads(request.body)


class _Api(NinjaAPI):
    """Each operation's ``operationId`` is derived, as django-ninja does, from the module its
    view was first written in and the view's name; a module moved since keeps its first name
    here, so that clients generated from the spec do not break (pinned by tests/test_openapi.py)."""

    FIRST_MODULE = {
        "ungpho.incidents.api.notifications": "ungpho.alerts.api",
        "ungpho.incidents.api.reports": "ungpho.incidents.api",
        "ungpho.incidents.api.response": "ungpho.incidents.api_workflow",
        "ungpho.monitoring.api.ingest": "ungpho.monitoring.api",
        "ungpho.preparedness.api.registry": "ungpho.preparedness.api",
    }

    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        return f"{self.FIRST_MODULE.get(module, module)}_{operation.view_func.__name__}".replace(
            ".", "_")


api = _Api(title="ungpho API", version=__version__, docs_url="/docs", urls_namespace="api",
           parser=_JsonParser())
api.add_router("/v1/", monitoring_router)
api.add_router("/v1/", geo_router)
api.add_router("/v1/", preparedness_router)
api.add_router("/v1/", web_router)
api.add_router("/v1/", incidents_router)


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
