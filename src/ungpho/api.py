"""The REST API (django-ninja); OpenAPI at /api/docs."""

from ninja import NinjaAPI

from ungpho import __version__
from ungpho.alerts.api import router as notifications_router
from ungpho.geo.api import router as geo_router
from ungpho.incidents.api import router as incidents_router
from ungpho.incidents.api_closure import router as closure_router
from ungpho.incidents.api_incidents import router as incident_router
from ungpho.incidents.api_workflow import router as incident_response_router
from ungpho.monitoring.api import router as monitoring_router
from ungpho.monitoring.api_reads import router as monitoring_reads_router
from ungpho.preparedness.api import router as preparedness_router
from ungpho.preparedness.api_trackers import router as trackers_router
from ungpho.web.api import router as web_router

api = NinjaAPI(title="ungpho API", version=__version__, docs_url="/docs", urls_namespace="api")
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
