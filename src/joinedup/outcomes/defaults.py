"""The outcome frameworks every partnership starts with."""

from __future__ import annotations

from typing import Any

EVERY_CHILD_MATTERS = [
    ("be-healthy", "Be healthy"),
    ("stay-safe", "Stay safe"),
    ("enjoy-and-achieve", "Enjoy and achieve"),
    ("positive-contribution", "Make a positive contribution"),
    ("economic-wellbeing", "Achieve economic well-being"),
]
SUPPORTING_FAMILIES = [
    ("good-education", "Getting a good education"),
    ("early-years", "Good early years development"),
    ("health", "Improved mental and physical health"),
    ("substance-use", "Promoting recovery and reducing harm from substance use"),
    ("family-relationships", "Improved family relationships"),
    ("safe-from-abuse", "Children safe from abuse and exploitation"),
    ("crime", "Crime prevention and tackling crime"),
    ("domestic-abuse", "Safe from domestic abuse"),
    ("housing", "Secure housing"),
    ("financial-stability", "Financial stability"),
]

FRAMEWORKS = [
    ("every-child-matters", "Every Child Matters", True, EVERY_CHILD_MATTERS),
    ("supporting-families", "Supporting Families headline outcomes", False, SUPPORTING_FAMILIES),
]


def ensure_default_frameworks(framework_model: Any = None, category_model: Any = None) -> None:
    """Create the default frameworks where missing (used by the migration and after a reset)."""
    if framework_model is None:
        from joinedup.outcomes.models import OutcomeCategory, OutcomeFramework

        framework_model, category_model = OutcomeFramework, OutcomeCategory
    for code, name, default, categories in FRAMEWORKS:
        framework, _ = framework_model.objects.get_or_create(
            code=code, defaults={"name": name, "is_default": default}
        )
        for position, (cat_code, cat_name) in enumerate(categories):
            category_model.objects.get_or_create(
                framework=framework,
                code=cat_code,
                defaults={"name": cat_name, "position": position},
            )
