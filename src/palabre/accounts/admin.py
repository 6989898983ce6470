from django.contrib import admin

from .models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "pseudonym", "participant_type", "is_active", "is_superuser"]
    search_fields = ["email", "pseudonym"]
    exclude = ["password"]
