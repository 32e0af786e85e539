"""The incidents app's admin, one module per part; importing the package registers them."""

from ungpho.incidents.admin import incidents, plans, workflow

__all__ = ["incidents", "plans", "workflow"]
