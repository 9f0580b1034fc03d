"""The review page's three decisions as forms; each turns its cleaned data into a service call's input."""

from decimal import Decimal

from django import forms
from django.utils.text import slugify

from timeline.models import (
    ActionStatus,
    ActionType,
    Case,
    ComponentKind,
    EnforcementAction,
    Entity,
    EntityKind,
    EventType,
    PartyRole,
    SettlementKind,
)
from timeline.models.actions import RESOLVED_STATUSES
from timeline.watch.selectors import PARTY_KINDS, entity_matches

PERSON_HINT = (" ltd", " limited", " inc", " llc", " corp", " gmbh", " holdings", " n.a", " plc", " s.a", " ag")


def _party_kind(name):
    lowered = f" {name.lower()}"
    return EntityKind.COMPANY if any(hint in lowered for hint in PERSON_HINT) else EntityKind.PERSON


class AcceptForm(forms.Form):
    """Case, action, parties and settlement components, prefilled from the extracted values."""

    # Slugs typed (or prefilled) rather than drop-downs: a database of a million records cannot list them all.
    case = forms.ModelChoiceField(
        Case.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.TextInput,
        label="Case (slug)",
        help_text="An existing case, by slug; or start a new case:",
    )
    new_case_title = forms.CharField(max_length=300, required=False)
    new_case_slug = forms.SlugField(max_length=100, required=False)
    authority = forms.ModelChoiceField(Entity.objects.filter(kind=EntityKind.AUTHORITY).order_by("name"))
    action_slug = forms.SlugField(max_length=120)
    caption = forms.CharField(max_length=500)
    action_type = forms.ChoiceField(choices=ActionType.choices)
    status = forms.ChoiceField(choices=ActionStatus.choices)
    filed_on = forms.DateField(required=False)
    resolved_on = forms.DateField(required=False)
    court = forms.ModelChoiceField(Entity.objects.filter(kind=EntityKind.COURT).order_by("name"), required=False)
    docket_number = forms.CharField(max_length=100, required=False)
    settlement_kind = forms.ChoiceField(choices=[("", "No settlement"), *SettlementKind.choices], required=False)
    settlement_slug = forms.SlugField(max_length=120, required=False)
    settlement_title = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, item, publisher, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        candidates = item.candidates or {}
        self.party_candidates = candidates.get("parties", [])
        self.amount_candidates = candidates.get("amounts", [])
        base = slugify(f"{item.publisher}-{item.release_id}")[:100]
        has_amounts = bool(self.amount_candidates)
        dockets = candidates.get("dockets", [])
        self.initial.update(
            {
                "authority": Entity.objects.filter(slug=publisher.authority_slug).first(),
                "action_slug": base,
                "caption": item.title[:500],
                "action_type": publisher.action_type,
                "status": ActionStatus.SETTLED if has_amounts else ActionStatus.PENDING,
                "filed_on": item.published_on,
                "resolved_on": item.published_on if has_amounts else None,
                "docket_number": dockets[0]["value"] if dockets else "",
                "settlement_kind": SettlementKind.SETTLEMENT_AGREEMENT if has_amounts else "",
                "settlement_slug": f"{base}-settlement",
                "settlement_title": item.title[:300],
                "new_case_title": item.title[:300],
                "new_case_slug": base,
            }
        )
        matches = entity_matches([party["value"] for party in self.party_candidates])
        parties = Entity.objects.filter(kind__in=PARTY_KINDS)
        self.party_rows = []
        for index, party in enumerate(self.party_candidates):
            prefix = f"party_{index}_"
            found = matches.get(party["value"], [])
            self.fields[prefix + "include"] = forms.BooleanField(required=False, initial=True, label="include")
            self.fields[prefix + "entity"] = forms.ModelChoiceField(
                parties,
                to_field_name="slug",
                widget=forms.TextInput,
                required=False,
                initial=found[0].slug if found else None,
                label="existing entity (slug)",
            )
            self.fields[prefix + "name"] = forms.CharField(
                max_length=255, initial=party["value"], required=False, label="new name"
            )
            self.fields[prefix + "slug"] = forms.SlugField(
                max_length=100, required=False, initial=slugify(party["value"])[:100], label="new slug"
            )
            self.fields[prefix + "kind"] = forms.ChoiceField(
                choices=[(kind.value, kind.label) for kind in PARTY_KINDS],
                initial=_party_kind(party["value"]),
                label="kind",
            )
            self.fields[prefix + "role"] = forms.ChoiceField(
                choices=PartyRole.choices, initial=PartyRole.DEFENDANT, label="role"
            )
            self.party_rows.append((index, party, found, [self[prefix + name] for name in PARTY_FIELDS]))
        payer_choices = [(str(index), party["value"]) for index, party in enumerate(self.party_candidates)]
        self.amount_rows = []
        for index, amount in enumerate(self.amount_candidates):
            prefix = f"amount_{index}_"
            kind = amount.get("kind", "other")
            component = kind in ComponentKind.values and kind != ComponentKind.OTHER and not amount.get("suspended")
            self.fields[prefix + "include"] = forms.BooleanField(
                required=False, initial=component and not amount.get("qualifier"), label="include"
            )
            self.fields[prefix + "kind"] = forms.ChoiceField(
                choices=ComponentKind.choices, initial=kind if kind in ComponentKind.values else "other", label="kind"
            )
            self.fields[prefix + "amount"] = forms.DecimalField(
                max_digits=20,
                decimal_places=2,
                initial=Decimal(amount["value"]) if amount.get("value") else None,
                required=False,
                label="amount",
            )
            self.fields[prefix + "currency"] = forms.CharField(
                max_length=3, initial=amount.get("currency", "USD"), label="currency"
            )
            self.fields[prefix + "approximate"] = forms.BooleanField(
                required=False, initial=bool(amount.get("qualifier")), label="approximate"
            )
            self.fields[prefix + "payer"] = forms.ChoiceField(
                choices=payer_choices or [("", "no party")], required=False, label="payer"
            )
            self.amount_rows.append((index, amount, [self[prefix + name] for name in AMOUNT_FIELDS]))

    def clean(self):
        data = super().clean()
        if not data.get("case") and not (data.get("new_case_title") and data.get("new_case_slug")):
            self.add_error("case", "Choose a case, or give the new case a title and a slug.")
        included = [row[0] for row in self.party_rows if data.get(f"party_{row[0]}_include")]
        for index in included:
            if not data.get(f"party_{index}_entity") and not (
                data.get(f"party_{index}_slug") and data.get(f"party_{index}_name")
            ):
                self.add_error(f"party_{index}_slug", "Pick an existing entity or give the new one a name and slug.")
        for index, _, _ in self.amount_rows:
            if not data.get(f"amount_{index}_include"):
                continue
            if data.get(f"amount_{index}_amount") is None:
                self.add_error(f"amount_{index}_amount", "Give the amount.")
            payer = data.get(f"amount_{index}_payer")
            if payer in ("", None) or int(payer) not in included:
                self.add_error(f"amount_{index}_payer", "The payer must be one of the included parties.")
        if not data.get("settlement_kind") and any(
            data.get(f"amount_{index}_include") for index, _, _ in self.amount_rows
        ):
            self.add_error("settlement_kind", "Amounts are included: choose the kind of settlement.")
        return data

    def decision(self):
        data = self.cleaned_data
        included = [row[0] for row in self.party_rows if data.get(f"party_{row[0]}_include")]
        parties = []
        for index in included:
            prefix = f"party_{index}_"
            entry = {"role": data[prefix + "role"]}
            if data.get(prefix + "entity"):
                entry["entity"] = data[prefix + "entity"]
            else:
                entry["new"] = {
                    "slug": data[prefix + "slug"],
                    "name": data[prefix + "name"],
                    "kind": data[prefix + "kind"],
                }
            parties.append(entry)
        components = []
        for index, _, _ in self.amount_rows:
            prefix = f"amount_{index}_"
            if not data.get(prefix + "include"):
                continue
            components.append(
                {
                    "key": f"{data['action_slug']}-{data[prefix + 'kind']}-{index}".replace("_", "-")[:120],
                    "kind": data[prefix + "kind"],
                    "amount": data[prefix + "amount"],
                    "currency": data[prefix + "currency"].upper(),
                    "is_approximate": data[prefix + "approximate"],
                    "description": self.amount_candidates[index]["sentence"][:500],
                    "payer_position": included.index(int(data[prefix + "payer"])),
                }
            )
        settlement = None
        if data.get("settlement_kind"):
            settlement = {
                "slug": data["settlement_slug"],
                "kind": data["settlement_kind"],
                "title": data["settlement_title"],
                "agreed_on": data.get("resolved_on") or data.get("filed_on"),
                "components": components,
            }
        return {
            "case": data.get("case"),
            "new_case": {"title": data.get("new_case_title"), "slug": data.get("new_case_slug")},
            "action": {
                "slug": data["action_slug"],
                "authority": data["authority"],
                "action_type": data["action_type"],
                "caption": data["caption"],
                "court": data.get("court"),
                "docket_number": data.get("docket_number", ""),
                "status": data["status"],
                "filed_on": data.get("filed_on"),
                "resolved_on": data.get("resolved_on"),
            },
            "parties": parties,
            "settlement": settlement,
        }

    def add_service_errors(self, errors, path=""):
        """Show a refused write's errors on the fields they belong to, or above the form."""
        field_names = {
            "action": {
                "slug": "action_slug",
                "caption": "caption",
                "docket_number": "docket_number",
                "court": "court",
                "status": "status",
                "filed_on": "filed_on",
                "resolved_on": "resolved_on",
                "authority": "authority",
                "action_type": "action_type",
            },
            "case": {"slug": "new_case_slug", "title": "new_case_title"},
            "settlement": {"slug": "settlement_slug", "title": "settlement_title", "kind": "settlement_kind"},
        }
        for part, value in errors.items():
            if isinstance(value, dict):
                names = field_names.get(part, {})
                for field, messages in value.items():
                    if field in names and isinstance(messages, list):
                        for message in messages:
                            self.add_error(names[field], message)
                    else:
                        self.add_error(None, f"{part} {field}: {_flat(messages)}")
            else:
                self.add_error(None, f"{part}: {_flat(value)}")


PARTY_FIELDS = ("include", "entity", "name", "slug", "kind", "role")
AMOUNT_FIELDS = ("include", "kind", "amount", "currency", "approximate", "payer")


def _flat(messages):
    if isinstance(messages, dict):
        return "; ".join(f"{key}: {_flat(value)}" for key, value in messages.items())
    if isinstance(messages, list):
        return " ".join(_flat(message) for message in messages)
    return str(messages)


class MergeForm(forms.Form):
    """A follow-up release: the action it belongs to and the event it adds."""

    action = forms.ModelChoiceField(
        EnforcementAction.objects.select_related("case"),
        to_field_name="slug",
        widget=forms.TextInput,
        label="Action (slug)",
        help_text="Prefilled with the action whose docket the release names.",
    )
    event_type = forms.ChoiceField(choices=EventType.choices)
    event_date = forms.DateField()
    event_title = forms.CharField(max_length=300)
    new_status = forms.ChoiceField(choices=[("", "Leave the status as it is"), *ActionStatus.choices], required=False)
    resolved_on = forms.DateField(required=False, help_text="With a status that ends the action.")

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        dockets = [docket["value"] for docket in (item.candidates or {}).get("dockets", [])]
        text = item.text.lower()
        event_type = next((kind for word, kind in FOLLOW_UP_WORDS if word in text), EventType.COURT_ORDER)
        self.initial.update(
            {
                "action": EnforcementAction.objects.filter(docket_number__in=dockets)
                .order_by("pk")
                .values_list("slug", flat=True)
                .first()
                if dockets
                else None,
                "event_type": event_type,
                "event_date": item.published_on,
                "event_title": item.title[:300],
            }
        )

    def clean(self):
        data = super().clean()
        if data.get("new_status") in RESOLVED_STATUSES and not data.get("resolved_on"):
            self.add_error("resolved_on", "A status that ends the action needs its resolution date.")
        return data


FOLLOW_UP_WORDS = (
    ("dismiss", EventType.DISMISSAL),
    ("sentenced", EventType.SENTENCING),
    ("final judgment", EventType.JUDGMENT),
    ("judgment", EventType.JUDGMENT),
    ("verdict", EventType.VERDICT),
    ("pleaded guilty", EventType.PLEA),
)


class RejectForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
