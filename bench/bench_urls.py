"""Koers's URLs plus /bench-hello/: the smallest Django view, through the same middleware."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench-hello/", hello), path("", include("koers.urls"))]
