"""/fhir/: the read-only FHIR R4 terminology façade. Operations come before ids: "$expand" is no id."""

from django.urls import path, re_path

from catalog.fhir import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("ValueSet", views.value_set_search, name="valueset-search"),
    path("ValueSet/$expand", views.expand, name="expand"),
    path("ValueSet/$validate-code", views.validate_code, name="validate-code"),
    re_path(r"^ValueSet/(?P<id>[A-Za-z0-9\-.]{1,64})$", views.value_set, name="valueset"),
    re_path(r"^ValueSet/(?P<id>[A-Za-z0-9\-.]{1,64})/\$expand$", views.expand, name="valueset-expand"),
    re_path(
        r"^ValueSet/(?P<id>[A-Za-z0-9\-.]{1,64})/\$validate-code$", views.validate_code, name="valueset-validate-code"
    ),
    path("CodeSystem", views.code_system_search, name="codesystem-search"),
    path("CodeSystem/$lookup", views.lookup, name="lookup"),
    re_path(r"^CodeSystem/(?P<id>[A-Za-z0-9\-.]{1,64})$", views.code_system, name="codesystem"),
    path("<path:rest>", views.elsewhere, name="elsewhere"),
    path("", views.elsewhere, {"rest": ""}, name="root"),
]
