"""The audit trail of a record: who changed what, when, from which value to which."""

from rest_framework import serializers


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(
        read_only=True,
        help_text="The field's name. A reference is given as the record's id; a many-to-many field "
        "(sources, entities, against, actions, sentences ...) as the sorted list of the related records' "
        "slugs or keys, or ids for records that have neither (sentences).",
    )
    old = serializers.JSONField(
        read_only=True, allow_null=True, help_text="The value before; null when no earlier entry is recorded."
    )
    new = serializers.JSONField(read_only=True, allow_null=True, help_text="The value after.")


class NestedChangeSerializer(serializers.Serializer):
    list = serializers.CharField(read_only=True, help_text="The nested list: components, credits, charges ...")
    item = serializers.DictField(
        read_only=True, help_text='What names the item in its list, e.g. {"key": "..."} or {"number": 2}.'
    )
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"], read_only=True)
    changes = ChangeSerializer(many=True, read_only=True, help_text="The item's fields that changed, as above.")


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField(read_only=True, help_text="Identifies this entry of the audit trail.")
    date = serializers.DateTimeField(read_only=True, help_text="When the change was saved.")
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"], read_only=True)
    user = serializers.CharField(
        read_only=True, allow_null=True, help_text="Who made it; null for loaders and commands run without a user."
    )
    change_reason = serializers.CharField(read_only=True, allow_null=True)
    changes = ChangeSerializer(
        many=True,
        read_only=True,
        help_text="The fields this entry changed from the one before it, in field order; for the first entry, "
        "every value set. Adding or removing related records is an entry of its own.",
    )
    nested = NestedChangeSerializer(
        many=True,
        read_only=True,
        help_text="Nested items added, changed or removed from this entry until the next: a write saves the record "
        "and then its items. Each item keeps its own trail as well.",
    )
