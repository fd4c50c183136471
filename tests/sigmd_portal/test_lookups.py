"""`field__any=[...]` finds what `field__in=[...]` finds — as one array parameter on PostgreSQL,
written as the array's text for UUIDs and integers — and refuses what is not one."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from care.models import Alert
from diary.models import Profile, SymptomEntry
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def test_any_finds_what_in_finds_for_uuids_integers_and_text():
    profiles = [ProfileFactory() for _ in range(3)]
    wanted = [profiles[0].pk, str(profiles[2].pk), uuid.uuid4()]  # a UUID, its text, an unknown one
    assert set(Profile.objects.filter(pk__any=wanted)) == set(Profile.objects.filter(pk__in=wanted))
    assert set(Profile.objects.filter(pk__any=wanted)) == {profiles[0], profiles[2]}
    assert set(Profile.objects.exclude(pk__any=wanted)) == {profiles[1]}
    names = [profiles[1].display_name, "nobody's"]
    assert list(Profile.objects.filter(display_name__any=names)) == [profiles[1]]
    SymptomEntry.objects.create(profile=profiles[0], recorded_at="2026-11-01T08:00:00Z", symptoms=["cough"])
    assert SymptomEntry.objects.filter(profile_id__any=[p.pk for p in profiles]).count() == 1
    assert not Alert.objects.filter(pk__any=[]).exists()


def test_any_refuses_a_value_that_is_not_of_the_fields_type():
    with pytest.raises(ValidationError):
        list(Profile.objects.filter(pk__any=["1}; DROP TABLE diary_profile; --"]))
