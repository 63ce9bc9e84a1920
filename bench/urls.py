from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("Hej världen")


urlpatterns = [path("hello/", hello), path("", include("kvaguide.urls"))]
