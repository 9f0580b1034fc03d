"""One module per official publisher, each exposing ``PUBLISHER``: a Publisher that lists the
releases since a date and reads each one. A new publisher is one new module added to MODULES."""

from importlib import import_module

MODULES = ("doj", "sec", "cftc", "ofac", "fincen")


def publishers():
    """Every publisher, by slug, in a stable order."""
    return {name: import_module(f"timeline.watch.publishers.{name}").PUBLISHER for name in MODULES}
