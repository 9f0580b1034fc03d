"""One explicit FilterSet per resource, on a strict base that refuses unknown parameters."""
