"""Test-only URLs: the site's, plus ``/test-only/fail``, a view that raises."""

from django.urls import path

from ungpho.urls import urlpatterns as site

FAILURE = "the test-only view failed on purpose"


def failing_view(request):
    raise RuntimeError(FAILURE)


urlpatterns = [path("test-only/fail", failing_view), *site]
