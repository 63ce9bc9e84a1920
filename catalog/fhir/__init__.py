"""The FHIR R4 terminology façade over the catalogue (/fhir/): resources in terminology.py, views in views.py."""
