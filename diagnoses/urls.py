from django.urls import path

from . import views

app_name = "diagnoses"

urlpatterns = [
    path("associations/", views.associations, name="associations"),
]
