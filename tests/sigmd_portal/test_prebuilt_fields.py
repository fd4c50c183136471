"""Model serializers build their fields once per class and give every instance copies of its
own (sigmd_portal/api.py): one request's validation never sees another's."""

from diary.serializers import SymptomEntrySerializer, SymptomEntryWithGuidanceSerializer

VALID = {"recorded_at": "2020-01-01T08:00:00+00:00", "symptoms": ["fever"], "temperature_c": 38.2}


def test_two_serializers_of_one_class_validate_independently():
    good = SymptomEntrySerializer(data=VALID)
    bad = SymptomEntrySerializer(data={**VALID, "symptoms": ["no_such_symptom"], "severity": 11})
    assert good.is_valid(), good.errors
    assert not bad.is_valid()
    assert set(bad.errors) == {"symptoms", "severity"}
    assert good.validated_data["symptoms"] == ["fever"]


def test_every_instance_has_fields_of_its_own_bound_to_it():
    first, second = SymptomEntrySerializer(data=VALID), SymptomEntrySerializer(data=VALID)
    assert list(first.fields) == list(second.fields)
    for name, field in first.fields.items():
        assert field is not second.fields[name]
        assert field.parent is first and field.field_name == name
    symptoms = first.fields["symptoms"]
    assert symptoms.child.parent is symptoms
    assert symptoms.child is not second.fields["symptoms"].child


def test_a_subclass_builds_its_own_fields_not_its_base_classes():
    plain = SymptomEntrySerializer()
    assert "guidance" not in plain.fields  # the base class's fields are built first
    guided = SymptomEntryWithGuidanceSerializer(context={"guidance": None})
    assert "guidance" in guided.fields
