from django.urls import path

from . import views

app_name = "meetups"

urlpatterns = [
    path("new-link/", views.new_link, name="new_link"),
    path("new-link/sent/", views.new_link_sent, name="new_link_sent"),
    path("r/<str:token>/", views.registration_view, name="registration"),
    path("r/<str:token>/cancel/", views.cancel_view, name="cancel"),
]
