"""Reads that take thought: totals, timelines, roll-ups. Faces call these rather than building queries."""
