"""Clinical facts and family-facing labels of the immune record: infusion routes and reactions,
titre timing, the growth reference. `diary/clinical.py` (the one module of clinical facts,
served as /api/v1/vocabulary) absorbs these at merge; until then everything reads them here.
"""

from __future__ import annotations

# (code, label). Labels are the words families see, on the phone, in the clinic and the PDF.
INFUSION_ROUTES: tuple[tuple[str, str], ...] = (
    ("iv", "Into a vein (IVIG)"),
    ("subcutaneous", "Under the skin (SCIG)"),
)

# API.md order; the last three are red flags (CLINICAL-SOURCES.md: infusion reactions with
# breathing difficulty or swelling are an emergency; a severe headache with a stiff neck in the
# days after IVIG needs urgent assessment: aseptic meningitis).
INFUSION_REACTIONS: tuple[tuple[str, str], ...] = (
    ("none_reported", "No reaction"),
    ("site_swelling", "Swelling or redness where the needle went in"),
    ("headache", "Headache"),
    ("fever_chills", "Fever or chills"),
    ("nausea", "Feeling sick"),
    ("fatigue", "Tiredness"),
    ("rash", "Rash"),
    ("breathing_difficulty", "Difficulty breathing or wheezing"),
    ("face_or_throat_swelling", "Swelling of the face, lips or throat"),
    ("severe_headache_stiff_neck", "Severe headache with a stiff neck"),
)
RED_FLAG_REACTIONS = frozenset(
    {"breathing_difficulty", "face_or_throat_swelling", "severe_headache_stiff_neck"}
)
NO_REACTION = "none_reported"
# A headache in the days after an IV infusion can be aseptic meningitis (usually within 48 hours,
# sometimes a little later): the day of the infusion and the two days after it.
HEADACHE_WATCH_DAYS = 3
HEADACHE_REACTIONS = frozenset({"headache", "severe_headache_stiff_neck"})

TITRE_TIMINGS: tuple[tuple[str, str], ...] = (
    ("pre", "Before the vaccine"),
    ("post", "After the vaccine"),
)

# Infections per month "on therapy": a day counts as on immunoglobulin therapy when an infusion
# was given on it or in the 35 days before (IVIG is given every 3–4 weeks, SCIG every 1–2 weeks;
# IgG's half-life is about 3–4 weeks), so a late infusion does not flip the patient to "off".
ON_THERAPY_DAYS = 35
DAYS_PER_MONTH = 365.25 / 12

# Growth centiles: the UK-WHO charts as implemented by the RCPCH's rcpchgrowth library (WHO 2006
# growth standard from 2 weeks to 4 years, UK90 reference from birth to 2 weeks and 4 to 20
# years). The diary gives centiles to children only (under child_until_years, 18) and assumes
# birth at term (no gestation is recorded); adults, other ages and a sex other than female or male
# get their values without a centile.
GROWTH_REFERENCE = "uk-who"
GROWTH_REFERENCE_LABEL = "UK-WHO growth charts (RCPCH rcpchgrowth)"
GROWTH_SEXES = frozenset({"female", "male"})

# Plausible bounds of a single measurement, far outside any real person: a typing error, not a
# centile question. The smallest surviving babies weigh about 0.25 kg and measure about 20 cm.
WEIGHT_KG_MIN, WEIGHT_KG_MAX = 0.2, 400
HEIGHT_CM_MIN, HEIGHT_CM_MAX = 20, 275


def vocabulary_part() -> dict:
    """This module's share of /api/v1/vocabulary, in its contract's shape (API contract in
    the brief: enums `infusion_route` and `titre_timing`, and `infusion_reactions`)."""
    return {
        "enums": {
            "infusion_route": [{"code": code, "label": label} for code, label in INFUSION_ROUTES],
            "titre_timing": [{"code": code, "label": label} for code, label in TITRE_TIMINGS],
        },
        "infusion_reactions": [
            {"code": code, "label": label, "red_flag": code in RED_FLAG_REACTIONS}
            for code, label in INFUSION_REACTIONS
        ],
    }
