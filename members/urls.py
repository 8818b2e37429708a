from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/sent/", views.application_sent, name="application_sent"),
    path("apply/confirm/<str:token>/", views.confirm, name="confirm"),
    path("apply/answer/<str:token>/", views.answer, name="answer"),
]
