"""One cache for every application server: Django's RedisCache, degrading to per-process memory while Redis is down."""
