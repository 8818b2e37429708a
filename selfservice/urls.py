from django.urls import path

from . import views

app_name = "selfservice"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/sent/", views.link_sent, name="link_sent"),
    path("sign-in/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("goodbye/", views.goodbye, name="goodbye"),
    path("me/", views.membership, name="membership"),
    path("me/details/", views.details, name="details"),
    path("me/consents/", views.consents, name="consents"),
    path(
        "me/groups/<int:group_id>/contact-list.csv",
        views.contact_list_file,
        {"extension": "csv"},
        name="contact_list_csv",
    ),
    path(
        "me/groups/<int:group_id>/contact-list.xlsx",
        views.contact_list_file,
        {"extension": "xlsx"},
        name="contact_list_xlsx",
    ),
    path(
        "me/groups/<int:group_id>/contact-list.vcf",
        views.contact_list_file,
        {"extension": "vcf"},
        name="contact_list_vcard",
    ),
    path("me/groups/<int:group_id>/print/", views.contact_list_print, name="contact_list_print"),
    path("me/groups/<int:group_id>/leave/", views.leave_group_view, name="leave_group"),
    path("me/leave/", views.leave_network, name="leave_network"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/personal-data.json", views.my_data_download, name="my_data_download"),
]
