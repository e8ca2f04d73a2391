from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import Business, BusinessActivity, Membership, Person, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "kind", "afm", "last_name", "first_name", "is_active"]
    list_filter = ["kind", "is_active", "role_assignments__role"]
    search_fields = ["username", "afm", "last_name", "first_name", "email"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("TAXISnet", {"fields": ["kind", "afm", "father_name", "mother_name", "birth_year"]}),
    ]
    inlines = [RoleAssignmentInline]


class BusinessActivityInline(admin.TabularInline):
    model = BusinessActivity
    extra = 0
    readonly_fields = ["code", "description", "kind"]
    can_delete = False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "business"
    extra = 0
    fields = ["invited_afm", "role", "state", "user", "email", "created_at", "revoked_at"]
    readonly_fields = fields


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = [
        "afm",
        "name",
        "legal_form",
        "is_active",
        "region",
        "municipality",
        "registry_refreshed_at",
    ]
    list_filter = ["is_active", "legal_form", "region"]
    search_fields = ["afm", "name", "commercial_title"]
    # Registry data is read-only: it changes only by a refresh from AADE.
    readonly_fields = [f.name for f in Business._meta.fields]
    inlines = [BusinessActivityInline, MembershipInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["amka", "afm", "last_name", "first_name", "birth_date", "user"]
    search_fields = ["amka", "afm", "last_name"]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["business", "invited_afm", "role", "state", "user", "created_at"]
    list_filter = ["role", "state"]
    search_fields = ["invited_afm", "business__afm", "business__name"]
    raw_id_fields = ["business", "user", "invited_by"]
    readonly_fields = ["created_at", "revoked_at"]
