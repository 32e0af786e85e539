from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switch (its cookie).

    The browser's Accept-Language is ignored on purpose: the system's language is Vietnamese
    (developers' guide, "Bilingual"), whatever language an officer's browser was installed in.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


#: Everything from this site and nothing else; no inline script, style attribute or eval, so
#: that a value that slipped into the HTML cannot run (issue 20; docs/operations.md). Leaflet
#: and htmx need nothing more: they style through the CSSOM, which a policy does not govern,
#: and htmx is told to add no <style> (base.html). Images: Leaflet's and Swagger UI's icons
#: include data: URIs. (https://www.w3.org/TR/CSP3/)
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def content_security_policy(get_response):
    """The ``Content-Security-Policy`` header on every response that has none."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return middleware
