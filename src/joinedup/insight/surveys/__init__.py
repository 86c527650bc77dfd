"""Partnership surveys: self-assessment instruments loaded from files (instrument), answers
validated and scored by theme, spread and trend, and the organisations' ratings of each other
(scoring)."""

from joinedup.insight.surveys.instrument import (  # noqa: F401
    KINDS,
    MIN_ANSWERED_SHARE,
    MIN_RESPONSES,
    REQUIRED_KEYS,
    GroupBy,
    Instrument,
    Item,
    ResponseError,
    Scale,
    ScalePoint,
    ScoringRule,
    SurveyFileError,
    Theme,
    load_instrument,
    parse_instrument,
    shipped_instruments,
)
from joinedup.insight.surveys.scoring import (  # noqa: F401
    SUPPRESSED,
    GroupResult,
    MutualRating,
    PairRating,
    RatingDifference,
    ScoreResult,
    Spread,
    SurveyResponse,
    TrendPoint,
    mutual_ratings,
    pair_ratings,
    rating_differences,
    ratings_received,
    respondent_score,
    score_responses,
    spread,
    trend,
    validate_response,
)
