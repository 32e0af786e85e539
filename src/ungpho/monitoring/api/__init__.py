"""The monitoring API, one router mounted at ``/api/v1/``: the stations' ingest door
(``ingest``, ``readings``) and the reads of the network (``reads``, under ``monitoring/``)."""

from ninja import Router

from ungpho.monitoring.api import ingest, reads

router = Router()
router.add_router("", ingest.router)
router.add_router("/monitoring/", reads.router)
