"""Django's yes/no icon read aloud as Ja/Nej: the admin writes its alt text as "True"/"False".

Here, not in catalog.editorial.admin, because the suggestions queue needs it too and editorial
already depends on suggestions through training.
"""

from django.templatetags.static import static
from django.utils.html import format_html

ICONS = {True: ("yes", "Ja"), False: ("no", "Nej"), None: ("unknown", "Okänt")}


def yes_no_icon(value: bool | None):
    """Django's yes/no icon, with a Swedish alt text."""
    icon, said = ICONS[None if value is None else bool(value)]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), said)
