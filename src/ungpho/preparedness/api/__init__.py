"""The preparedness API, one router mounted at ``/api/v1/``: the trackers' door of mobile
sources (``trackers``) and the reads of the risk registry (``registry``, under
``preparedness/``)."""

from ninja import Router

from ungpho.preparedness.api import registry, trackers

router = Router()
router.add_router("", trackers.router)
router.add_router("/preparedness/", registry.router)
