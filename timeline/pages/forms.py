"""GET forms of the public pages: the site search and the penalties filters."""

from urllib.parse import urlencode

from django import forms

from timeline.selectors.pages import penalty_authorities, penalty_payers


class SearchForm(forms.Form):
    q = forms.CharField(label="Search entities and cases", max_length=200, strip=True)


class PenaltyFilterForm(forms.Form):
    """Filters shared by the penalties charts and their CSV downloads (values are slugs and ISO dates)."""

    authority = forms.ModelChoiceField(
        label="Authority",
        queryset=None,
        to_field_name="slug",
        required=False,
        empty_label="All authorities",
    )
    entity = forms.ModelChoiceField(
        label="Paid by",
        queryset=None,
        to_field_name="slug",
        required=False,
        empty_label="All payers",
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = penalty_authorities()
        self.fields["entity"].queryset = penalty_payers()

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The end of the range cannot be before its start.")
        return cleaned

    def selector_filters(self):
        """The cleaned values under the names penalty_components() takes."""
        return {
            "authority": self.cleaned_data.get("authority"),
            "payer": self.cleaned_data.get("entity"),
            "date_from": self.cleaned_data.get("date_from"),
            "date_to": self.cleaned_data.get("date_to"),
        }

    def query_string(self):
        """The submitted filters as a query string, so the CSV links download what the charts show."""
        values = {
            "authority": getattr(self.cleaned_data.get("authority"), "slug", None),
            "entity": getattr(self.cleaned_data.get("entity"), "slug", None),
            "date_from": self.cleaned_data.get("date_from"),
            "date_to": self.cleaned_data.get("date_to"),
        }
        return urlencode({name: str(value) for name, value in values.items() if value})


class PenaltyCsvForm(PenaltyFilterForm):
    group_by = forms.ChoiceField(choices=[("year", "Year"), ("authority", "Authority")])
