from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


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


#: Text compresses; woff2, PNG and the like are compressed already.
_COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml",
                 "application/atom+xml", "application/geo+json", "image/svg+xml")


class CompressionMiddleware(GZipMiddleware):
    """gzip for text responses, the pages and the static files alike (a provincial office on
    a slow line), with one exception against BREACH: a page another site's page made the
    browser ask for (``Sec-Fetch-Site: cross-site`` or ``same-site``) goes uncompressed, so
    an attacker who can trigger requests and watch their sizes gets no length to learn a
    secret of the page from (an acknowledgement link, a form's hidden fields). Django's
    own defences stay: the CSRF token is masked anew in each response and the gzip stream
    carries up to 100 random bytes ("Heal the Breach"). Static files hold no secret and are
    compressed whoever asks. (https://www.breachattack.com/; W3C Fetch Metadata)"""

    def process_response(self, request, response):
        kind = response.get("Content-Type", "")
        if response.status_code in (206, 304) or not kind.startswith(_COMPRESSIBLE):
            return response
        if not request.path.startswith(settings.STATIC_URL):
            patch_vary_headers(response, ("Sec-Fetch-Site",))
            if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
                return response
        return super().process_response(request, response)
