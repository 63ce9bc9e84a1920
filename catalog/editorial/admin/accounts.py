"""Users and groups in the admin, in Swedish: a permission is named by its table and what it allows
("Poster: får ändra"), not by the English Django stored when it made it ("Can change post")."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group, Permission, User
from django.utils.text import capfirst

from catalog.editorial.admin.wording import DeletionSummary, yes_no

ACTIONS = {"add": "får lägga till", "change": "får ändra", "delete": "får ta bort", "view": "får se"}
# Tables whose own name is English: django-axes' and two of ours that no coordinator edits.
NAMES = {
    ("axes", "accessattempt"): "inloggningsförsök",
    ("axes", "accessattemptexpiration"): "utgångstid för inloggningsförsök",
    ("axes", "accessfailurelog"): "misslyckade inloggningar",
    ("axes", "accesslog"): "inloggningslogg",
    ("catalog", "ratebucket"): "räknare för begränsade anrop",
    ("catalog", "classanswer"): "svar i en klass",
}


def permission_label(permission: Permission) -> str:
    content_type = permission.content_type
    model = content_type.model_class()
    plural = model._meta.verbose_name_plural if model is not None else content_type.model
    name = NAMES.get((content_type.app_label, content_type.model), plural)
    action, _, model_name = permission.codename.partition("_")
    if action in ACTIONS and model_name == content_type.model:
        return f"{capfirst(name)}: {ACTIONS[action]}"
    return f"{capfirst(name)}: {permission.name}"


class PermissionLabels:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field


class PasswordChangeForm(AdminPasswordChangeForm):
    """Django appends an English warning to the Swedish help text; this says it in Swedish."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        if "usable_password" in self.fields:
            # The warning keeps Django's id: its script shows it only when "Avstängd" is chosen.
            self.fields["usable_password"].help_text = (
                "Om användaren ska kunna logga in med lösenord. Avstängd kan hen ändå logga in på andra sätt, "
                "till exempel med Single Sign-On eller LDAP."
                '<ul id="id_unusable_warning" class="messagelist"><li class="warning">'
                "Avstängd: användarens nuvarande lösenord går förlorat.</li></ul>"
            )


admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(Group)
class GroupAdmin(DeletionSummary, PermissionLabels, auth_admin.GroupAdmin):
    pass


@admin.register(User)
class UserAdmin(DeletionSummary, PermissionLabels, auth_admin.UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", yes_no(User, "is_staff")]
    change_password_form = PasswordChangeForm
