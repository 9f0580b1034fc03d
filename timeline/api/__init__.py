"""The REST API for developers: /api/v1/ resources, timelines and penalty totals; /api/schema/ and /api/docs/."""
