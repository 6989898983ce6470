from django.urls import path

from . import account_views as views
from . import synthesis_views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("contributions/", synthesis_views.my_contributions, name="contributions"),
    path("mes-donnees/", views.data_export, name="data_export"),
    path("supprimer/", views.delete_account, name="delete"),
]
