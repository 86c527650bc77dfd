"""Pairwise precision, recall and F1 of a clustering against known truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PairwiseScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(counts: Counter[Hashable]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def pairwise_scores(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> PairwiseScores:
    """Both sequences give, for each record in the same order, its cluster label.

    Every pair of records in one predicted cluster counts as a predicted match, so a wrong
    merge of two large clusters costs as much as it would in practice.
    """
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth must label the same records")
    return PairwiseScores(
        true_pairs=_pairs(Counter(truth)),
        predicted_pairs=_pairs(Counter(predicted)),
        correct_pairs=_pairs(Counter(zip(predicted, truth, strict=True))),
    )
