"""The incidents API, one router mounted at ``/api/v1/``: incidents (``incidents``), the
reports they come from (``reports``, under ``incidents/``), the response workflow
(``response``), the closure (``closure``) and an incident's notifications
(``notifications``)."""

from ninja import Router

from ungpho.incidents.api import closure, incidents, notifications, reports, response

router = Router()
router.add_router("", closure.router)
router.add_router("", incidents.router)
router.add_router("/incidents/", reports.router)
router.add_router("", response.router)
router.add_router("", notifications.router)
