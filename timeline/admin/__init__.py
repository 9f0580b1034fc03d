"""The Django admin for compliance staff, split by sub-domain like the models.

Importing the package registers every ModelAdmin with the default admin site.
"""

from timeline.admin import actions, cases, entities, events, money, people, sources

__all__ = ["actions", "cases", "entities", "events", "money", "people", "sources"]
