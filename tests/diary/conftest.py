import datetime as dt

from django.utils import timezone

TODAY = timezone.localdate()

# One valid body per entry type, as a phone would send it.
VALID = {
    "infections": {"kind": "otitis_media", "onset": str(TODAY - dt.timedelta(days=2)), "severity": "mild"},
    "symptoms": {
        "recorded_at": "2020-01-01T08:00:00+00:00",
        "symptoms": ["fever", "ear_pain"],
        "temperature_c": 38.2,
    },
    "treatments": {"kind": "antibiotic", "name": "Amoxicillin", "route": "oral", "started_on": str(TODAY)},
    "vaccinations": {"vaccine": "PCV20", "given_on": str(TODAY - dt.timedelta(days=30))},
    "labs": {
        "analyte": "IgM",
        "value": 18,
        "unit": "mg/dL",
        "reference_low": 40,
        "reference_high": 230,
        "collected_on": str(TODAY - dt.timedelta(days=10)),
    },
    "infusions": {
        "given_on": str(TODAY - dt.timedelta(days=1)),
        "product": "Hizentra",
        "route": "subcutaneous",
        "dose_g": 8,
        "lot_number": "P100234",
        "sites": 2,
        "reactions": ["site_swelling"],
    },
    "measurements": {"measured_on": str(TODAY - dt.timedelta(days=3)), "weight_kg": 21.4, "height_cm": 118.5},
}
# A field each type lets you change, and a valid new value.
EDIT = {
    "infections": ("severity", "moderate"),
    "symptoms": ("severity", 4),
    "treatments": ("dose", "500 mg three times a day"),
    "vaccinations": ("notes", "left arm"),
    "labs": ("notes", "fasting"),
    "infusions": ("lot_number", "P100235"),
    "measurements": ("height_cm", 119.0),
}
ENTRY_TYPES = list(VALID)
