"""What every request must be before a view sees it: a body within the size limit, and no
character in its address, query, form fields or cookies that the database cannot store.

The body limit is ``settings.DATA_UPLOAD_MAX_MEMORY_SIZE`` (``UNGPHO_MAX_BODY_BYTES``): Django
refuses a larger body when it is read (``RequestDataTooBig``, an HTML "Bad Request (400)");
for the API this guard answers first, in the API's shape, 413 Content Too Large (RFC 9110
§15.5.14) with the limit named. A NUL (U+0000) or a lone surrogate anywhere a view may hand
to a query is refused here, for every URL and form at once (PostgreSQL's ``text`` cannot hold
NUL; see ``ungpho.core.validate``): the API answers 400 in its shape, a page answers 400 in
the user's language, each naming the field.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from ungpho.core.validate import Message, gettext_noop, storable_text, text_problem
from ungpho.platform.api_errors import errors_json

API_PREFIX = "/api/"
_WITH_BODY = {"POST", "PUT", "PATCH"}
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

ERR_TOO_LARGE = gettext_noop("the body is larger than the limit of %(limit)s bytes "
                             "(UNGPHO_MAX_BODY_BYTES); send less at a time")
#: How a page names where the character was (the API names the field alone).
PLACES = {"path": gettext_noop("the address"), "query": gettext_noop("query parameter"),
          "form": gettext_noop("form field"), "cookie": gettext_noop("cookie")}


def too_large_json() -> JsonResponse:
    return errors_json(413, [("body", Message(ERR_TOO_LARGE,
                                              limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE))])


def unstorable_part(request: HttpRequest, *, form: bool) -> tuple[str, str, Message] | None:
    """(place, name, why) of the first part of the request holding a character no column
    can store: the path, a query parameter, a form field (when ``form``) or a cookie."""
    parts: list[tuple[str, str, str]] = [("path", "path", request.path)]
    parts += [("query", key, value) for key, values in request.GET.lists()
              for value in [key, *values]]
    if form and request.method in _WITH_BODY and request.content_type in _FORMS:
        parts += [("form", key, value) for key, values in request.POST.lists()
                  for value in [key, *values]]
    parts += [("cookie", key, value) for key, value in request.COOKIES.items()
              for value in (key, value)]
    for place, name, value in parts:
        problem = text_problem(value)
        if problem is not None:
            return place, storable_text(name, max_chars=60), problem
    return None


class RequestGuardMiddleware:
    """Refuses, before any view: an API body over the limit (413), and a NUL or lone
    surrogate in the path, the query, a form field or a cookie (400), naming the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path_info.startswith(API_PREFIX)
        if api and request.method in _WITH_BODY:
            try:
                request.body  # noqa: B018 (Django checks the limit as it reads the body)
            except RequestDataTooBig:
                return too_large_json()
        found = unstorable_part(request, form=not api)
        if found is None:
            return self.get_response(request)
        place, name, problem = found
        if api:
            return errors_json(400, [(name, problem)])
        # Before the locale middleware: the language the user chose (its cookie), else
        # Vietnamese, as VietnameseFirstLocaleMiddleware decides it.
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        with translation.override(chosen if chosen in dict(settings.LANGUAGES)
                                  else settings.LANGUAGE_CODE):
            where = _(PLACES[place]) if place == "path" else f"{_(PLACES[place])} {name}"
            text = f"{where}: {_(problem.template) % problem.params}"
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
