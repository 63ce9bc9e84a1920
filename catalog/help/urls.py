from django.urls import path

from catalog.help import views

urlpatterns = [
    path("", views.help_page, name="help"),
    path("<slug:slug>/", views.help_page, name="help-page"),
]
