"""The outcome frameworks every partnership starts with, with descriptors it can edit in admin."""

from __future__ import annotations

from typing import Any

EVERY_CHILD_MATTERS = [
    ("be-healthy", "Be healthy", "Physically, mentally, emotionally and sexually healthy."),
    ("stay-safe", "Stay safe", "Safe from harm, neglect, bullying, crime and accidents."),
    (
        "enjoy-and-achieve",
        "Enjoy and achieve",
        "Ready for school, attending and enjoying it, achieving their best.",
    ),
    (
        "positive-contribution",
        "Make a positive contribution",
        "Taking part in the community, making good choices, staying out of trouble.",
    ),
    (
        "economic-wellbeing",
        "Achieve economic well-being",
        "Living in a home and a family that are not held back by low income.",
    ),
]
SUPPORTING_FAMILIES = [
    (
        "good-education",
        "Getting a good education",
        "Children attend school regularly, are not excluded, and get the help with special "
        "educational needs they are entitled to.",
    ),
    (
        "early-years",
        "Good early years development",
        "Young children are healthy, developing as expected and ready for school.",
    ),
    (
        "health",
        "Improved mental and physical health",
        "Family members' mental and physical health needs are met and their health improves.",
    ),
    (
        "substance-use",
        "Promoting recovery and reducing harm from substance use",
        "Family members who use drugs or alcohol get help and the harm to the family reduces.",
    ),
    (
        "family-relationships",
        "Improved family relationships",
        "Family members get on better, with less conflict, and parents are supported.",
    ),
    (
        "safe-from-abuse",
        "Children safe from abuse and exploitation",
        "Children are safe from abuse, neglect and exploitation, inside and outside the home.",
    ),
    (
        "crime",
        "Crime prevention and tackling crime",
        "Family members are not offending or at risk of offending, and are safe from crime.",
    ),
    (
        "domestic-abuse",
        "Safe from domestic abuse",
        "Family members are safe from domestic abuse and get the help they need to recover.",
    ),
    (
        "housing",
        "Secure housing",
        "The family has a safe, stable and suitable home and is not at risk of losing it.",
    ),
    (
        "financial-stability",
        "Financial stability",
        "The family manages its money, debts are under control and adults are moving towards work.",
    ),
]

FRAMEWORKS = [
    ("every-child-matters", "Every Child Matters", True, EVERY_CHILD_MATTERS),
    ("supporting-families", "Supporting Families headline outcomes", False, SUPPORTING_FAMILIES),
]


def ensure_default_frameworks(framework_model: Any = None, category_model: Any = None) -> None:
    """Create the default frameworks where missing (used by the migration and after a reset).

    A descriptor the partnership has edited is kept; an empty one is filled in.
    """
    if framework_model is None:
        from joinedup.outcomes.models import OutcomeCategory, OutcomeFramework

        framework_model, category_model = OutcomeFramework, OutcomeCategory
    # The first migration's model has no descriptor yet; a later one fills them in.
    has_descriptor = any(f.name == "descriptor" for f in category_model._meta.get_fields())
    for code, name, default, categories in FRAMEWORKS:
        framework, _ = framework_model.objects.get_or_create(
            code=code, defaults={"name": name, "is_default": default}
        )
        for position, (cat_code, cat_name, descriptor) in enumerate(categories):
            defaults = {"name": cat_name, "position": position}
            if has_descriptor:
                defaults["descriptor"] = descriptor
            category, _ = category_model.objects.get_or_create(
                framework=framework, code=cat_code, defaults=defaults
            )
            if has_descriptor and not category.descriptor:
                category.descriptor = descriptor
                category.save(update_fields=["descriptor"])
