from django.urls import include, path

from catalog.catalogue import api, views
from catalog.help import urls as help_urls
from catalog.search import views as search_views
from catalog.suggestions import views as suggestion_views
from catalog.training import class_views
from catalog.training import views as practice_views
from catalog.visits import views as visit_views
from catalog.visits.describe import views as describe_views

app_name = "catalog"

# The API under one prefix, tried first: a search-as-you-type client calls it most, and Django
# tries patterns in order (one prefix test instead of twenty on every API call).
api_patterns = [
    path("besok/beskriv/", describe_views.describe_api, name="api-describe"),
    path("codes/", api.search, name="api-search"),
    path("codes/<str:code>/", api.code, name="api-code"),
    path("lists/", api.lists, name="api-lists"),
    path("lists/<slug:slug>/", api.code_list, name="api-list"),
    path("lists/<slug:slug>/filter/", api.list_filter, name="api-list-filter"),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sok/", search_views.search, name="search"),
    path("lista/<slug:slug>/", views.code_list, name="list"),
    path("lista/<slug:slug>/fusklapp/", views.cheat_sheet, name="list-cheat-sheet"),
    path("lista/<slug:slug>/andringar/", views.list_changes, name="list-changes"),
    path("lista/<slug:slug>/export.csv", views.list_csv, name="list-csv"),
    path("kod/<str:code>/", views.code, name="code"),
    path("besok/", visit_views.visit, name="visit"),
    path("besok/beskriv/", describe_views.describe_visit, name="describe"),
    path("besok/<path:answers>/", visit_views.visit, name="visit-step"),
    path("forslag/", suggestion_views.suggest_change, name="suggest"),
    path("forslag/tack/", suggestion_views.suggest_thanks, name="suggest-thanks"),
    path("ovningar/", practice_views.index, name="practice"),
    path("ovningar/set/<slug:slug>/", practice_views.practice_set, name="practice-set"),
    path("ovningar/set/<slug:slug>/sammanfattning/", practice_views.set_summary, name="practice-set-summary"),
    path("ovningar/<slug:slug>/", practice_views.case, name="practice-case"),
    path("klassrum/", class_views.index, name="classroom"),
    path("klassrum/starta/", class_views.start, name="classroom-start"),
    path("klassrum/<str:code>/", class_views.learner, name="classroom-learner"),
    path("klassrum/<str:code>/svar/", class_views.answer, name="classroom-answer"),
    path("klassrum/<str:code>/utbildare/", class_views.trainer, name="classroom-trainer"),
    path("klassrum/<str:code>/styr/", class_views.control, name="classroom-control"),
    path("regler/<slug:slug>/", views.rules, name="rules"),
    path("beslut/<str:identifier>/", views.decision, name="decision"),
    path("hjalp/", include(help_urls)),
]
