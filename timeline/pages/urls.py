"""Public read-only pages."""

app_name = "pages"
urlpatterns = []
