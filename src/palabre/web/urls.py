from django.urls import path

from . import views

urlpatterns = [
    path("", views.organization_home, name="organization_home"),
    path("demarches/", views.process_list, name="process_list"),
    path("demarches/<slug:slug>/", views.process_detail, name="process_detail"),
    path("pages/<slug:kind>/", views.legal_page, name="legal_page"),
]
