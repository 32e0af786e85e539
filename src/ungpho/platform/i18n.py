from django.utils.translation import get_language


def localized(vi: str, en: str) -> str:
    """The English text when English is active, else the Vietnamese (the default)."""
    return en if (get_language() or "vi").startswith("en") else vi
