"""'How this is calculated': a plain-English formula for every figure the insight pages show.

Pages look a figure up by its metric name (`formula("density")`); prompts carry the metric name
of their evidence in `evidence["metric"]`. A test checks every name used is registered here.
"""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.insight import network, prompts, surveys, voice


@dataclass(frozen=True)
class Formula:
    title: str
    formula: str


_N = network
_BETWEENNESS = (
    "For each organisation, the share of shortest chains of ties between two other organisations "
    "that pass through it: the sum over pairs (s, t) of (shortest paths from s to t through it) ÷ "
    "(all shortest paths from s to t), divided by (n − 1)(n − 2), where n counts every "
    "organisation. Ties count as present or absent, not by strength. With more than "
    f"{_N.EXACT_BETWEENNESS_UP_TO:,} organisations that have ties, it is estimated from "
    f"{_N.BETWEENNESS_SAMPLES} starting organisations picked at random (fixed seed "
    f"{_N.BETWEENNESS_SEED}, so the same data give the same figures), scaled up by (organisations "
    "with ties ÷ starting organisations); brokers are the organisations with the highest scores."
)

METRICS: dict[str, Formula] = {
    # The ecosystem network
    "family_tie_weight": Formula(
        "Families worked with together",
        "Each family adds 1 ÷ (k − 1) to the tie between each pair of its k organisations, so one "
        "family adds at most 1 to any organisation's strength however many others are involved, "
        "and sheer volume does not let the largest agency dominate. A family counts when an "
        "organisation's involvement overlaps the period.",
    ),
    "shared_families": Formula(
        "Shared families",
        "The number of families both organisations worked with in the period (not normalised).",
    ),
    "meeting_tie_weight": Formula(
        "Meetings attended together",
        "Each meeting in the period adds 1 ÷ (k − 1) between each pair of its k organisations.",
    ),
    "referral_flows": Formula(
        "Referral flows",
        "The number of referrals sent from one organisation to another in the period, one "
        "direction at a time, beside the number sent back the other way.",
    ),
    "density": Formula(
        "Density",
        "Ties present ÷ ties possible. With n organisations, n × (n − 1) ÷ 2 ties are possible. "
        "Every organisation in the partnership counts, including those with no ties.",
    ),
    "components": Formula(
        "Connected groups",
        "Groups of organisations joined by a chain of ties; an organisation with no ties is a "
        "group on its own and is counted separately as isolated.",
    ),
    "communities": Formula(
        "Communities",
        "Groups of organisations more strongly tied to each other than to the rest, found by the "
        "Louvain method on tie strength (igraph's multilevel algorithm, fixed seed). Modularity "
        "(−0.5 to 1) says how clearly the groups stand apart: the share of tie strength inside "
        "groups minus the share expected if ties were spread at random.",
    ),
    "betweenness": Formula("Brokers (betweenness)", _BETWEENNESS),
    "centralisation": Formula(
        "Degree centralisation (Freeman)",
        "Σ (highest number of ties − each organisation's number of ties) ÷ ((n − 1)(n − 2)). "
        "1 for a star (one organisation tied to all, no others tied), 0 when every organisation "
        "has the same number of ties. Not shown for fewer than three organisations.",
    ),
    "ei_index": Formula(
        "Working across sectors (E-I index)",
        "(ties between different sectors − ties within a sector) ÷ all ties. From −1 (all work "
        "within sectors) to +1 (all work across sectors). Each tie counts once.",
    ),
    "ei_index_weighted": Formula(
        "Working across sectors, by strength",
        "As the E-I index, but adding tie strength instead of counting ties.",
    ),
    "ei_by_sector": Formula(
        "A sector's E-I index",
        "For the ties held by the sector's organisations: (ties to other sectors − ties within "
        "the sector) ÷ all their ties.",
    ),
    "ties": Formula("Ties", "The number of other organisations it has any tie with in the period."),
    "strength": Formula("Strength", "The sum of the weights of all its ties in the period."),
    "share_of_strength": Formula(
        "Share of joint work", "Its strength ÷ the sum of every organisation's strength."
    ),
    "caseload": Formula(
        "Families worked with",
        "Families it worked with in the period; shared: those another organisation also worked "
        "with.",
    ),
    # Balance of voice
    "membership_share": Formula(
        "Share of team memberships", "The group's team memberships ÷ all team memberships."
    ),
    "lead_share": Formula(
        "Share of lead-professional roles", "The group's lead roles ÷ all lead roles."
    ),
    "lead_to_membership": Formula(
        "Lead roles against memberships",
        "Share of lead roles ÷ share of memberships. 1 means lead roles in proportion to "
        "membership; below 1, fewer.",
    ),
    "under_represented": Formula(
        "Few lead roles for its size",
        f"Flagged when share of lead roles < {voice.DEFAULT_LEAD_RATIO:g} × share of memberships "
        f"and the group has at least {voice.DEFAULT_MIN_MEMBERSHIPS} memberships (both settings "
        "can be changed by the partnership).",
    ),
    "gini": Formula(
        "Gini coefficient",
        "Σᵢ Σⱼ |xᵢ − xⱼ| ÷ (2 × n² × mean) over the n groups' counts: 0 when every group has "
        "the same, approaching 1 when one group has everything.",
    ),
    "herfindahl": Formula(
        "Herfindahl index",
        "Σ (each group's share)²: 1 ÷ n when shared equally between n groups, 1 when one group "
        "has everything. Normalised: (H − 1/n) ÷ (1 − 1/n), from 0 to 1.",
    ),
    "disagreements_upheld_rate": Formula(
        "Disagreements upheld", "Disagreements the group raised that were upheld ÷ those raised."
    ),
    "median_response_days": Formula(
        "Time to answer requests",
        "The middle value of days from a request to the group's answer (half took longer).",
    ),
    # The integration continuum
    "continuum_stage": Formula(
        "Stage of integration",
        "The highest stage whose sign was seen in the period: networking (information "
        "exchanged), coordinating (actions in one shared plan), cooperating (joint actions or "
        "referrals), collaborating (joint meetings and outcomes owned together). Ratings 0–5 "
        "from the partner survey sit beside it: none 0, networking 1, cooperation 2 → "
        "coordinating, coordination 3 → cooperating, coalition 4 and collaboration 5 → "
        "collaborating.",
    ),
    # Surveys
    "survey_score": Formula(
        "Survey score",
        "Each person's score is the mean of their answers to the score's items (reverse-worded "
        "items flipped: lowest + highest − answer), when they answered at least half of them. "
        "Shown across people: n, mean, median, standard deviation (n − 1), lowest, highest, and "
        "people at each scale point (scores rounded to the nearest point, halves up). "
        f"Fewer than {surveys.MIN_RESPONSES} responses: nothing is shown.",
    ),
    "small_cell_suppression": Formula(
        "Hidden small numbers",
        f"A figure resting on fewer than {surveys.MIN_RESPONSES} responses is not shown, nor "
        "how many responses there were, so no one's answers can be picked out.",
    ),
    "survey_trend": Formula(
        "Change since last round",
        "This round's mean minus the most recent earlier round's shown mean for the same group.",
    ),
    "pair_rating": Formula(
        "How one organisation rates a partner",
        "The mean of the scores given by the organisation's respondents to that partner, in the "
        "round. The partner survey is answered on an organisation's behalf.",
    ),
    "rating_difference": Formula(
        "Ratings of each other differ",
        "| A's rating of B − B's rating of A | on the same score and round; prompted from 2.",
    ),
    "ratings_received": Formula(
        "How partners rate an organisation",
        "Spread of the partner ratings it received, shown only from "
        f"{surveys.MIN_RESPONSES} rating organisations.",
    ),
    # Prompts' own measures
    "families_without_joint_meeting": Formula(
        "Families with no joint meeting",
        f"Families with {prompts.DEFAULT_MIN_AGENCIES} or more organisations involved in the "
        "period and no meeting attended by two or more of them.",
    ),
    "re_referral_rate": Formula(
        "Re-referrals",
        "Requests for support about a family whose previous episode closed in the last 12 "
        "months ÷ all requests, per period; prompted when it rises by "
        f"{prompts.DEFAULT_RE_REFERRAL_RISE:.0%} points or more.",
    ),
    "days_to_first_meeting": Formula(
        "Time to first meeting",
        "Median days from the request for support to the team's first meeting, per period; "
        f"prompted when it rises by {prompts.DEFAULT_FIRST_MEETING_RISE_DAYS:g} days or more.",
    ),
    # Added with the pages (issue #7): what the Django layer counts.
    "voice_counts": Formula(
        "What is counted",
        "In the period: a team membership for each practitioner in a team around a family; a "
        "lead-professional role for the lead of each team open in the period, and one for the "
        "lead before each handover; an action when created; a meeting when held and marked "
        "attended; a decision and a disagreement when recorded. Family members in a team are not "
        "counted: this is about the professions and sectors.",
    ),
    "share_of_measure": Formula(
        "Share of actions, meetings, decisions and disagreements",
        "The group's count ÷ the count for every group in the period, for each of actions owned, "
        "meetings attended, decisions recorded and disagreements raised.",
    ),
    "continuum_signals": Formula(
        "Signs of joint work",
        "For a pair of organisations in the period: information exchanged = families both work "
        "with; actions in one shared plan = teams both are in whose plan has actions; joint "
        "actions = teams in which both own actions; referrals = requests one raised that became "
        "a team the other leads, either way; joint meetings = meetings both attended; outcomes "
        "owned together = wanted outcomes both own actions towards. For a team around a family: "
        "the same signs between two or more of its organisations.",
    ),
    "map_layout": Formula(
        "Where each organisation sits on the map",
        "Positions come from a spring layout (networkx, fixed seed, so the same figures always "
        "give the same map): ties pull organisations together in proportion to their weight, "
        "and every pair pushes apart. Distance on the map is only a guide; the tables hold the "
        "figures.",
    ),
}


def formula(metric: str) -> Formula:
    """The disclosure for a metric; KeyError names an unregistered metric."""
    return METRICS[metric]
