"""Sync: what changed since a point (the change feed), incremental list reads, and versioned bulk releases.

Only the public tables named in ``timeline.sync.tables`` are ever read here, so accounts, tokens,
the audit trail's user names and any table added later stay out until someone adds them on purpose.
"""
