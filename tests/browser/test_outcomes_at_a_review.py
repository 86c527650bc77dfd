"""Issue 19 end to end: at a review the lead professional records the team's scores and the
mother's view as she gave it; the mother adds her own view on her own pages; both see distance
travelled; the separated father sees the team's scores but never her words; the partnership
manager reads the dashboard and the families meeting the successful-family-outcome rule."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from joinedup.demo import loader
from joinedup.episodes.models import Episode
from joinedup.outcomes.dashboard import rebuild
from joinedup.outcomes.models import Measurement, Voice
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_family import sign_in_to_family_pages
from tests.browser.test_find_a_child import sign_in
from tests.browser.test_request_for_support import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAFE = "Mia and Tyler feel safe and settled"
SCHOOL = "Tyler is back in school every day"
HER_WORDS_AT_THE_REVIEW = "Mia sleeps through most nights now"
HER_OWN_WORDS = "I still jump when the door goes"


def shows(where, pattern: str) -> bool:
    """The page (or a part of it) says this, as a person reads it."""
    text = (where.locator("main") if hasattr(where, "goto") else where).inner_text()
    return re.search(pattern, text) is not None


def test_progress_at_a_review_in_both_voices_and_the_partnership_view(page):
    loader.load(families=25, seed=2026)
    episode = Episode.objects.get(persons__reference="FAM-CARTER-1")
    today = timezone.localdate()

    # The lead professional records the review, and is taken on to the scores.
    sign_in(page, "grace.okafor@earlyhelp.example")
    page.goto(f"/episodes/{episode.pk}/")
    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_label("Review").check()
    page.get_by_label("Day").first.fill(str(today.day))
    page.get_by_label("Month").first.fill(str(today.month))
    page.get_by_label("Year").first.fill(str(today.year))
    page.get_by_label("The family came").check()
    page.get_by_role("group", name="Jodie Carter (Mum)").get_by_label("Attended").check()
    page.get_by_role("group", name="Grace Okafor (Lead professional)").get_by_label(
        "Attended"
    ).check()
    page.get_by_role("button", name="Save the meeting").click()
    page.get_by_role("heading", name=re.compile("^Record scores for the review on")).wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Save the scores").click()  # nothing scored
    page.get_by_role("heading", name="There is a problem").wait_for()
    page.get_by_role("link", name="Give a score for at least one outcome").wait_for()
    assert_accessible(page)
    page.get_by_label(f"Score for: {SAFE}").select_option("7")
    page.get_by_label(f"Note for: {SAFE} (optional)").fill("Settled at the refuge school")
    page.get_by_label(f"Score for: {SCHOOL}").select_option("5")
    page.get_by_role("button", name="Save the scores").click()
    page.get_by_text("2 scores saved.").wait_for()
    # The team's view: 5 then 7, and 3 then 5, since the first meeting.
    page.get_by_role("heading", name="Outcomes over time").wait_for()
    assert page.get_by_text("Up 2.0 points on average over the outcomes").is_visible()
    assert shows(page, r"5 at first \(.+\), 7 now \(.+\): up 2")

    # The mother's view, as she gave it at the review.
    page.goto(f"/episodes/{episode.pk}/")
    page.get_by_role("link", name=re.compile("Record outcome scores for this review")).first.click()
    page.get_by_label("A family member's own view, as they gave it to the team").check()
    page.get_by_label("Family member (for a family member's view)").select_option(
        label="Jodie Carter"
    )
    page.get_by_label(f"Score for: {SAFE}").select_option("6")
    page.get_by_label(f"Note for: {SAFE} (optional)").fill(HER_WORDS_AT_THE_REVIEW)
    page.get_by_role("button", name="Save the scores").click()
    page.get_by_text("1 score saved.").wait_for()
    assert shows(page, r"6 on .+: one score so far")
    assert_accessible(page)
    screenshot(page, "outcomes-review-team")
    sign_out(page)

    # The mother on her own pages: the team's distance travelled, and her own view added.
    sign_in_to_family_pages(page, "jodie.carter@family.example")
    page.get_by_role("link", name="See your plan").click()
    page.get_by_role("link", name="How things are").first.click()
    page.get_by_role("heading", name="How things are").wait_for()
    safe = page.locator(".govuk-summary-card", has_text=SAFE)
    assert shows(safe, r"5 at first \(.+\), 7 now \(.+\): up 2")
    safe.get_by_role("link", name=re.compile("Say how things are now")).click()
    page.get_by_label("8", exact=True).check()
    page.get_by_label("Anything you want to say about it (optional)").fill(HER_OWN_WORDS)
    page.get_by_role("button", name="Send to my team").click()
    page.get_by_text("Your team can now see how things are for you").wait_for()
    safe = page.locator(".govuk-summary-card", has_text=SAFE)
    assert shows(safe, r"6 at first \(.+\), 8 now \(.+\): up 2")
    safe.get_by_text("The scores as a table").click()
    table = safe.get_by_role("table").inner_text()
    assert HER_WORDS_AT_THE_REVIEW in table and HER_OWN_WORDS in table  # her own words
    assert "Settled at the refuge school" not in table  # the team's notes stay with the team
    assert_accessible(page)
    screenshot(page, "outcomes-review-mother")
    sign_out(page)

    # The separated father sees the team's scores, never the mother's view or words.
    sign_in_to_family_pages(page, "dean.carter@family.example")
    page.goto(f"/family/episodes/{episode.pk}/how-things-are/")
    page.get_by_role("heading", name="How things are").wait_for()
    for summary in page.get_by_text("The scores as a table").all():
        summary.click()
    text = page.locator("main").inner_text()
    assert re.search(r"5 at first \(.+\), 7 now \(.+\): up 2", text)
    assert HER_WORDS_AT_THE_REVIEW not in text and HER_OWN_WORDS not in text
    assert "Jodie" not in text.split("How things are", 1)[1]  # no row of hers, under any name
    assert_accessible(page)
    sign_out(page)

    # The lead professional sees her view beside the team's.
    sign_in(page, "grace.okafor@earlyhelp.example")
    page.goto(f"/episodes/{episode.pk}/outcomes/")
    safe = page.locator(".govuk-summary-card", has_text=SAFE)
    assert shows(safe, r"6 at first \(.+\), 8 now \(.+\): up 2")
    assert page.get_by_role("img", name=re.compile(SAFE)).is_visible()
    sign_out(page)
    mine = Measurement.objects.filter(episode=episode, voice=Voice.FAMILY)
    assert sorted(mine.values_list("person__given_name", "score")) == [("Jodie", 6), ("Jodie", 8)]

    # Overnight the figures are rebuilt; the partnership manager reads them.
    rebuild()
    sign_in(page, "ravi.patel@earlyhelp.example")
    page.get_by_role("link", name="Outcomes").first.click()
    page.get_by_role("heading", name="Partnership dashboard").wait_for()
    page.get_by_label("Period").select_option("24")
    page.get_by_role("button", name="Show the figures").click()
    distance = page.locator("section", has_text="Outcomes by headline: mean distance travelled")
    distance.get_by_role("table").wait_for()  # the chart's figures as a table too
    assert distance.get_by_role("img").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name="Successful family outcomes").click()
    page.get_by_role("heading", name="Successful family outcomes").wait_for()
    assert page.get_by_role("heading", name="Families meeting the rule (2)").is_visible()
    assert "Carter" not in page.locator("main").inner_text()  # families by reference only
    assert_accessible(page)
    screenshot(page, "outcomes-successful-families")
    page.locator("li").get_by_role("link", name=re.compile("^E-")).first.click()
    page.get_by_role("heading", name="Successful family outcome check").wait_for()
    assert page.get_by_role("heading", name="Meets the rule").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to successful family outcomes").click()
    page.get_by_role("heading", name="Successful family outcomes").wait_for()
