"""Every read on the family's own pages, through the policy and audited: their home, one episode's
plan, team and meetings, their say, their consent; and the team's side of family accounts."""

from joinedup.family.selectors.common import (  # noqa: F401
    EPISODE_WORDS,
    JUDGEMENT_WORDS,
    MEETING_WORDS,
    PURPOSE_WORDS,
    SECTOR_WORDS,
    SOMEONE,
    STATUS_TAGS,
    STATUS_WORDS,
    display_name,
)
from joinedup.family.selectors.episode import (  # noqa: F401
    ActionView,
    FamilyEpisodeView,
    MeetingsView,
    MeetingView,
    MemberView,
    OutcomeView,
    PlanView,
    meetings_get,
    plan_get,
    team_get,
)
from joinedup.family.selectors.home import EpisodeCard, HomeView, home  # noqa: F401
from joinedup.family.selectors.say import (  # noqa: F401
    ConsentView,
    SayView,
    consent_get,
    consent_record_get,
    own_action_get,
    say_get,
)
from joinedup.family.selectors.team import (  # noqa: F401
    AccountsView,
    ParticipantView,
    VoiceView,
    account_get,
    accounts_for_episode,
    voice_for_episode,
)
