"""Writes that span several models, each atomic."""
