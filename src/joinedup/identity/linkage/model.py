"""The linkage model: Splink settings, unsupervised training, saving and loading.

A saved model is JSON: {"model_version", "comparison_design", "threshold", "splink_settings"}.
The Splink settings hold the trained m and u probabilities; the comparison design names the
comparisons in `comparisons.py` the settings were built from, so the same model can be rebuilt
for another SQL engine (Spark) and read by the real-time matcher.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joinedup.identity.linkage import comparisons as cmp

MODEL_VERSION = "joinedup-linkage-7"
DEFAULT_THRESHOLD = 0.9

DESIGNS: dict[str, tuple[cmp.ComparisonSpec, ...]] = {
    "household": cmp.JOINEDUP_COMPARISONS,
    "separate": cmp.SEPARATE_HOUSEHOLD_COMPARISONS,
}

# Each rule finds candidate pairs agreeing exactly on these columns. Together they are what
# lets a person be found despite one or two changed facts: a new surname (given name + date of
# birth), a move (names + birth year), a nickname outside the table or a mistyped given name
# (surname + date of birth, surname + postcode or address), a typo in the date of birth (an
# identifier, or names + postcode). Rules keyed on a home pair a record only with its own
# household, so the pair count stays close to linear in the number of records.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("nhs_number",),
    ("upn",),
    ("other_id",),
    ("date_of_birth", "given_name_canon"),
    ("date_of_birth", "family_name"),
    ("date_of_birth", "postcode"),
    ("postcode", "given_name_canon"),
    ("postcode", "family_name"),
    ("address", "family_name"),
    ("family_name", "given_name_canon", "birth_year"),
    # Another spelling of both names (Sergiy Kan, Serhiy Khan), or both names swapped.
    ("date_of_birth", "given_name_sound"),
    ("date_of_birth", "family_name_sound"),
    ("names_key", "birth_year"),
    ("names_key", "postcode"),
    # Both names swapped and one mistyped: their consonant skeletons, with the date of birth.
    ("names_sound_key", "date_of_birth"),
    # Both names in formal form, with the date of birth: swapped with a familiar form (Patel
    # Mati, Mateusz Patel) or with one part of a double-barrelled family name (Murphy Harry,
    # Harry Murphy-Brown), at another address.
    ("names_canon_key", "date_of_birth"),
    # The same address and given name: a family name changed or mistyped, and the postcode
    # missing.
    ("given_name_canon", "address"),
    # Both names and the house number: a date of birth wrong or missing and a move of street.
    ("family_name", "given_name_canon", "address_number"),
    # The same home whatever else changed: a postcode mistyped or missing (one of few records
    # at that house number and street name), or a date of birth at the same house number.
    ("home_key",),
    # Both names, when few records hold them: a person who moved and whose date of birth is
    # missing or mistyped.
    ("rare_names_key",),
    ("date_of_birth", "address_number"),
    # One household's records, whatever their names say: names swapped as well as shortened or
    # mistyped, a date of birth missing (housing, food banks).
    ("postcode", "address_number"),
    # Both names' consonant skeletons at one house number: another spelling of a name and no
    # date of birth, or a postcode mistyped.
    ("names_sound_key", "address_number"),
)

# EM is run on pairs that agree on these; each comparison not in a rule is estimated there.
# Pairs sharing an NHS number are almost all one person, so they teach the model how a person's
# own names vary. Pairs sharing only a date of birth include twins, which would teach it that a
# person's given name often changes; they are the fallback when few records carry NHS numbers.
EM_RULES: tuple[tuple[str, ...], ...] = (("nhs_number",), ("given_name", "family_name"))
EM_FALLBACK_RULE: tuple[str, ...] = ("date_of_birth",)
EM_MIN_IDENTIFIED = 0.05  # share of records with an NHS number below which the fallback is used
EM_MAX_PAIRS = 1.5e6
U_MAX_PAIRS = 1e6
# Rules that almost only ever pair records of one person; used to estimate the prior.
DETERMINISTIC_RULES: tuple[tuple[str, ...], ...] = (
    ("nhs_number",),
    ("given_name", "family_name", "date_of_birth"),
)
DETERMINISTIC_RECALL = 0.7


class ModelError(ValueError):
    """A saved model that cannot be used: wrong version or a different comparison design."""


@dataclass
class LinkageModel:
    splink_settings: dict[str, Any]
    comparison_design: str = "household"
    threshold: float = DEFAULT_THRESHOLD
    model_version: str = MODEL_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "model_version": self.model_version,
            "comparison_design": self.comparison_design,
            "threshold": self.threshold,
            "splink_settings": self.splink_settings,
        }

    def save(self, path: Path | str) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2), encoding="utf-8")

    @classmethod
    def load(cls, path: Path | str) -> LinkageModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise ModelError(f"{path}: not a readable model file ({error}).") from error
        return cls.from_json(data, str(path))

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str = "model") -> LinkageModel:
        version = data.get("model_version") if isinstance(data, dict) else None
        if version != MODEL_VERSION:
            raise ModelError(f"{where}: model version {version!r}, expected {MODEL_VERSION!r}.")
        design = data.get("comparison_design", "household")
        if design not in DESIGNS:
            raise ModelError(f"{where}: unknown comparison design {design!r}.")
        model = cls(data["splink_settings"], design, float(data["threshold"]), version)
        model.check_levels()
        return model

    @property
    def specs(self) -> tuple[cmp.ComparisonSpec, ...]:
        return DESIGNS[self.comparison_design]

    def check_levels(self) -> None:
        """The saved comparisons must be exactly those of the design, level for level."""
        saved = [
            (c["output_column_name"], [lv.get("label_for_charts") for lv in c["comparison_levels"]])
            for c in self.splink_settings["comparisons"]
        ]
        expected = [(s.name, [lv.label for lv in s.levels]) for s in self.specs]
        if saved != expected:
            raise ModelError("The saved comparisons do not match this version's design.")

    @property
    def prior(self) -> float:
        return float(self.splink_settings["probability_two_random_records_match"])

    def settings_creator(self) -> Any:
        """Splink settings for any engine, carrying this model's trained parameters."""
        trained = [
            [(lv.get("m_probability"), lv.get("u_probability")) for lv in c["comparison_levels"]]
            for c in self.splink_settings["comparisons"]
        ]
        return settings_creator(self.specs, trained=trained, prior=self.prior)


def settings_creator(
    specs: tuple[cmp.ComparisonSpec, ...] = cmp.JOINEDUP_COMPARISONS,
    *,
    trained: list[list[tuple[Any, Any]]] | None = None,
    prior: float = 1e-4,
    blocking_rules: tuple[tuple[str, ...], ...] = BLOCKING_RULES,
) -> Any:
    from splink import SettingsCreator, block_on

    parameters: list[Any] = list(trained) if trained else [None] * len(specs)
    comparisons = [
        cmp.splink_comparison(spec, levels) for spec, levels in zip(specs, parameters, strict=True)
    ]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on(*cols) for cols in blocking_rules],
        retain_matching_columns=True,  # the gamma columns the guard needs
        retain_intermediate_calculation_columns=False,
    )


def em_rules(nhs_share: float) -> tuple[tuple[str, ...], ...]:
    if nhs_share >= EM_MIN_IDENTIFIED:
        return EM_RULES
    return (EM_FALLBACK_RULE, EM_RULES[1])


def train(linker: Any, nhs_share: float, seed: int = 42) -> None:
    """Estimate every parameter from the data alone: no labelled pairs are needed."""
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(
        [block_on(*cols) for cols in DETERMINISTIC_RULES], recall=DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    for cols in em_rules(nhs_share):
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*cols), estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
        )


# The columns each comparison reads: below MIN_PRESENT of records holding any, it carries no
# weight (its few values teach EM nothing reliable, and a design is not a promise of data).
COMPARISON_COLUMNS = {
    "given_name": ("given_name",), "family_name": ("family_name",),
    "date_of_birth": ("date_of_birth",), "household": ("postcode", "address"),
    "postcode": ("postcode",), "address": ("address",), "nhs_number": ("nhs_number",),
    "upn": ("upn",), "other_id": ("other_id",), "sex": ("sex",),
}  # fmt: skip
MIN_PRESENT = 0.02


def present_shares(table: Any) -> dict[str, float]:
    """Share of records holding each comparison's columns (any of them)."""
    import pyarrow.compute as pc

    rows = max(table.num_rows, 1)
    shares = {}
    for name, columns in COMPARISON_COLUMNS.items():
        held = None
        for column in columns:
            valid = pc.is_valid(table[column])
            held = valid if held is None else pc.or_(held, valid)
        shares[name] = pc.sum(held).as_py() / rows if held is not None else 0.0
    return shares


def neutralise_absent(settings: dict[str, Any], shares: dict[str, float]) -> list[str]:
    """Give every level of a mostly-empty comparison a weight of 0 (m = u); their names."""
    neutral = []
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        if shares.get(name, 1.0) >= MIN_PRESENT:
            continue
        neutral.append(name)
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            level["m_probability"] = level["u_probability"] = level.get("u_probability") or 0.5
    return neutral


def model_from_linker(
    linker: Any, design: str, threshold: float, shares: dict[str, float] | None = None
) -> LinkageModel:
    settings = linker.misc.save_model_to_json()
    if shares:
        neutralise_absent(settings, shares)
    return LinkageModel(settings, comparison_design=design, threshold=threshold)


# The threshold is chosen from the model's own estimates over the scored pairs: the one that
# maximises the expected F1 (expected true links above it / links above it and all true links).
THRESHOLD_FLOOR = 0.5
THRESHOLD_CEILING = 0.99


def threshold_from_data(probabilities: Sequence[float]) -> float:
    """The probability threshold with the best expected F1, between the floor and ceiling."""
    import numpy as np

    p = np.sort(np.asarray(probabilities, dtype=float))[::-1]
    if p.size == 0:
        return DEFAULT_THRESHOLD
    expected_true = p.sum()  # pairs below the floor were not scored; they add little
    found = np.cumsum(p)
    count = np.arange(1, p.size + 1)
    f1 = 2 * found / (count + expected_true)
    allowed = (p >= THRESHOLD_FLOOR) & (p <= THRESHOLD_CEILING)
    if not allowed.any():
        return DEFAULT_THRESHOLD
    best = int(np.argmax(np.where(allowed, f1, -1.0)))
    return float(round(p[best], 6))
