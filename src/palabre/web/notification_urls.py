from django.urls import path

from . import notification_views as views

app_name = "notifications"

urlpatterns = [
    path("", views.notifications, name="list"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
