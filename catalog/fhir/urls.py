"""/fhir/: the read-only FHIR R4 terminology façade. Operations come before ids: "$expand" is no id."""

from django.urls import path, re_path

from catalog.fhir import views

app_name = "fhir"

ID = r"(?P<id>[A-Za-z0-9\-.]{1,64})"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("ValueSet", views.value_set_search, name="valueset-search"),
    path("ValueSet/$expand", views.expand, name="expand"),
    path("ValueSet/$validate-code", views.validate_code, name="validate-code"),
    re_path(rf"^ValueSet/{ID}$", views.value_set, name="valueset"),
    re_path(rf"^ValueSet/{ID}/_history$", views.value_set_history, name="valueset-history"),
    re_path(
        rf"^ValueSet/{ID}/_history/(?P<vid>[A-Za-z0-9\-.]{{1,64}})$", views.value_set_version, name="valueset-vread"
    ),
    re_path(rf"^ValueSet/{ID}/\$expand$", views.expand, name="valueset-expand"),
    re_path(rf"^ValueSet/{ID}/\$validate-code$", views.validate_code, name="valueset-validate-code"),
    path("CodeSystem", views.code_system_search, name="codesystem-search"),
    path("CodeSystem/$lookup", views.lookup, name="lookup"),
    path("CodeSystem/$validate-code", views.code_system_validate_code, name="codesystem-validate-code"),
    re_path(rf"^CodeSystem/{ID}$", views.code_system, name="codesystem"),
    re_path(rf"^CodeSystem/{ID}/\$lookup$", views.lookup, name="codesystem-lookup"),
    re_path(
        rf"^CodeSystem/{ID}/\$validate-code$", views.code_system_validate_code, name="codesystem-instance-validate-code"
    ),
    re_path(rf"^OperationDefinition/{ID}$", views.operation_definition, name="operationdefinition"),
    path("<path:rest>", views.elsewhere, name="elsewhere"),
    path("", views.elsewhere, {"rest": ""}, name="root"),
]
