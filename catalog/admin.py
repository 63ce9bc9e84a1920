"""Django's admin reads this module: each concern's admin classes register themselves when imported."""

from catalog.editorial.admin import accounts, catalogue, drafts, practice, search, wizard  # noqa: F401
from catalog.suggestions import admin as suggestions  # noqa: F401
