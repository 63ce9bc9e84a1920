from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("fhir/", include("catalog.fhir.urls")),
    path("", include("catalog.urls")),
]

handler400 = "catalog.catalogue.views.bad_request"
handler404 = "catalog.catalogue.views.page_not_found"
handler500 = "catalog.catalogue.views.server_error"
