"""The grading form as a workbench (issue #14): it fits the window, it is graded from the keyboard,
and the evidence a grader quotes reaches the client's evaluation page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests import builders
from tests.integration import grading_helpers as gh
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation
from vendor_qa.scorecards import versions
from vendor_qa.tenants.scoping import tenant_scope

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1366, "height": 900}
TRANSCRIPT = "\n".join([
    "Agent: Thank you for calling Acme, how can I help?",
    "Customer: My bill doubled this month.",
    "Agent: May I have your name?",
    "Customer: Ola. Call me back on +47 912 34 567 if we get cut off.",
    "Agent: I see a roaming charge from your trip.",
    "Customer: I never left Oslo.",
    "Agent: Then I will remove it and credit your account.",
    "Customer: Thanks.",
    "Agent: You will see the credit on the next bill.",
    "Customer: Good.",
    "Agent: Anything else?",
    "Customer: No, bye.",
])
CRITERIA = {  # nine criteria of every kind, as a real scorecard has them
    "Opening": [
        dict(text="Greets the customer", kind="binary", weight=Decimal(5), guidance_full="Hello and their name"),
        dict(text="Asks for the customer's name", kind="graded", weight=Decimal(10),
             guidance_full="Asks and uses it", guidance_partial="Asks but never uses it"),
        dict(text="Confirms the reason for the call", kind="binary", weight=Decimal(5)),
    ],
    "Resolution": [
        dict(text="Finds the cause", kind="scale", weight=Decimal(20), scale_max=4),
        dict(text="Offers a callback", kind="binary", weight=Decimal(5), allow_na=True),
        dict(text="Solves the problem", kind="binary", weight=Decimal(20), critical="call"),
    ],
    "Closing": [
        dict(text="Explains the next steps", kind="graded", weight=Decimal(10)),
        dict(text="Asks if anything else is needed", kind="binary", weight=Decimal(5)),
        dict(text="Says goodbye politely", kind="binary", weight=Decimal(5)),
    ],
}


CRITERIA_TEXTS = [c["text"] for criteria in CRITERIA.values() for c in criteria]


def nine_criteria_card(tenant) -> int:
    with tenant_scope(tenant.id):
        version = versions.create_scorecard(tenant.id, "Inbound calls", ["phone"])
        for title, criteria in CRITERIA.items():
            section = versions.add_section(version, title)
            for values in criteria:
                versions.add_criterion(section, values)
        versions.publish(version, None)
        db.session.commit()
        return version.id


@pytest.fixture
def workbench(build):
    tenant = build.tenant(slug="acme", name="Acme Telecom")
    agent = build.agent(tenant, display_name="Alice Berg", code="AG-1")
    call = build.call(agent, external_id="X-9", transcript=TRANSCRIPT, duration_seconds=300)
    version_id = nine_criteria_card(tenant)
    grader = build.grader(tenant)
    card = gh.Card(version_id, {}, {})
    assignment_id = gh.held_assignment(tenant, call, grader, card)
    return dict(tenant=tenant, grader=grader, manager=build.manager(tenant), id=assignment_id)


@dataclass
class Keys:
    """The keyboard, with every key press counted (typed text is the grader's words, counted apart)."""

    page: object
    pressed: list[str] = field(default_factory=list)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.pressed.append(key)
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def criterion(page, text: str):
    return page.locator(f'.gr-criterion[data-criterion="{text}"]')


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"]


def leave(page) -> None:
    """Off the form, with its last requests (draft, time signals) answered before the test's data is wiped."""
    page.goto("/grading/queue")
    page.wait_for_load_state("networkidle")


def open_form(page, log_in, workbench, keys: Keys | None = None) -> None:
    page.set_viewport_size(VIEWPORT)
    log_in(workbench["grader"])
    page.goto(f"/grading/assignments/{workbench['id']}")
    if keys:  # the start page's button has the focus
        keys.press("Enter")
    else:
        page.get_by_role("button", name="Start grading").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grade call X-9")


def test_the_form_fits_a_1366x900_window(workbench, log_in, page, tmp_path):
    open_form(page, log_in, workbench)
    submit = page.get_by_role("button", name="Submit evaluation")
    total = page.locator("#score-panel")
    page.screenshot(path=str(tmp_path / "form-1366x900.png"))
    assert in_view(page, submit) and in_view(page, total)
    assert page.evaluate("document.documentElement.scrollHeight") <= VIEWPORT["height"]  # no page scroll

    # The last criterion scrolled into view in its own pane: the score and Submit have not moved.
    last = criterion(page, "Says goodbye politely")
    last.scroll_into_view_if_needed()
    assert in_view(page, last) and in_view(page, submit) and in_view(page, total)
    assert in_view(page, page.get_by_role("heading", name="Transcript"))  # the call pane did not scroll
    page.screenshot(path=str(tmp_path / "form-scrolled.png"))

    # Comments stay shut until points are lost.
    name = criterion(page, "Asks for the customer's name")
    expect(name.get_by_role("textbox")).to_be_hidden()
    name.get_by_label("Partial", exact=True).check()
    expect(name.get_by_role("textbox")).to_be_visible()
    name.get_by_label("Full", exact=True).check()
    expect(name.get_by_role("textbox")).to_be_hidden()

    page.set_viewport_size({"width": 800, "height": 900})  # narrow: the panes stack
    call_box, form_box = page.locator(".gr-call").bounding_box(), page.locator("#grading-form").bounding_box()
    assert form_box["y"] >= call_box["y"] + call_box["height"]
    leave(page)


def test_a_nine_criterion_call_is_graded_with_the_keyboard_only(workbench, log_in, page, tmp_path):
    keys = Keys(page)
    open_form(page, log_in, workbench, keys)
    first = criterion(page, "Greets the customer")
    expect(first.get_by_label("Yes", exact=True)).to_be_focused()  # autofocus: no Tab to get there

    page.keyboard.press("?")  # the list of shortcuts (not part of the grading)
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.screenshot(path=str(tmp_path / "shortcuts.png"))
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()

    keys.press("1")  # Greets: Yes, and on to the next
    keys.press("2")  # Name: Partial loses points, so the comment opens with the cursor in it
    expect(criterion(page, "Asks for the customer's name").get_by_role("textbox")).to_be_focused()
    keys.type("Asked for the name but never used it.")
    keys.press("Escape", "j")  # back to the criterion, then the next one
    keys.press("1")  # Confirms the reason: Yes
    keys.press("1")  # Finds the cause: 4 of 4 (the best first)
    keys.press("n")  # Offers a callback: N/A
    keys.press("1")  # Solves the problem: Yes
    keys.press("2")  # Next steps: Partial
    keys.type("Did not say when the credit shows.")
    keys.press("Tab")  # out of the comment, into the next criterion
    keys.press("1")  # Anything else: Yes
    keys.press("1")  # Goodbye: Yes, then on to the feedback
    expect(page.get_by_label("What went well")).to_be_focused()
    expect(page.locator("#preview-total")).to_contain_text("9 of 9 answered")
    expect(page.locator("#preview-total")).to_contain_text("87.5")  # 70 of 80 points
    keys.type("Found the roaming charge fast.")
    keys.press("Tab")
    keys.type("Use the customer's name.")
    keys.press("Control+Enter")

    expect(page.locator(".flash")).to_contain_text("Evaluation of call X-9 submitted.")
    assert len(keys.pressed) <= 2 * 9 + 5, keys.pressed
    with tenant_scope(workbench["tenant"].id):
        evaluation = db.session.query(Evaluation).one()
        by_text = {c.criterion.text: c for c in evaluation.criteria}
    assert by_text["Asks for the customer's name"].answer == "partial"
    assert by_text["Asks for the customer's name"].comment == "Asked for the name but never used it."
    assert by_text["Finds the cause"].answer == "4" and by_text["Offers a callback"].answer == "na"
    assert evaluation.total == Decimal("87.5")


def test_a_quoted_line_reaches_the_clients_evaluation_page(workbench, log_in, page, tmp_path):
    open_form(page, log_in, workbench)
    name = criterion(page, "Asks for the customer's name")
    name.get_by_label("Partial", exact=True).check()  # the criterion the grader is on
    line = page.locator("#line-3")
    expect(line).to_contain_text("[phone]")  # the grader reads it masked
    line.get_by_role("button", name="Quote").click()
    evidence = name.locator(".gr-evidence")
    expect(evidence).to_contain_text("line 4")
    expect(evidence).to_contain_text("Call me back on [phone]")
    name.get_by_role("textbox").fill("Heard the name, never used it.")
    page.screenshot(path=str(tmp_path / "quoted.png"))
    for text, answer in [("Greets the customer", "Yes"), ("Confirms the reason for the call", "Yes"),
                         ("Finds the cause", "4"), ("Offers a callback", "Yes"), ("Solves the problem", "Yes"),
                         ("Explains the next steps", "Full"), ("Asks if anything else is needed", "Yes"),
                         ("Says goodbye politely", "Yes")]:
        criterion(page, text).get_by_label(answer, exact=True).check()
    page.get_by_label("What went well").fill("Quick fix.")
    page.get_by_label("What to improve").fill("Use the name.")
    page.get_by_role("button", name="Submit evaluation").click()
    expect(page.locator(".flash")).to_contain_text("Evaluation of call X-9 submitted.")

    page.get_by_role("button", name="Log out").click()
    log_in(workbench["manager"])
    page.goto("/t/acme/evaluations/")
    page.locator("tr[data-evaluation]").get_by_role("link").first.click()
    row = page.locator('tr[data-criterion="Asks for the customer\'s name"]')
    expect(row).to_contain_text("Heard the name, never used it.")
    expect(row.locator(".gr-evidence")).to_contain_text("Call me back on [phone] if we get cut off.")
    expect(row).to_contain_text("line 4")
    expect(page.locator("body")).not_to_contain_text("912 34 567")


def test_without_javascript_the_form_still_submits(workbench, browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False, viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("E-mail").fill(workbench["grader"].email)
        page.get_by_label("Password").fill(builders.PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"/grading/assignments/{workbench['id']}")
        page.get_by_role("button", name="Start grading").click()
        for text in CRITERIA_TEXTS:
            criterion(page, text).locator("input[type=radio]").first.check()  # the best answer of each
        name = criterion(page, "Asks for the customer's name")
        name.get_by_label("None", exact=True).check()
        name.locator("summary").click()  # the comment opens by itself only with the script
        name.get_by_role("textbox").fill("Never asked.")
        page.get_by_label("What went well").fill("Polite.")
        page.get_by_label("What to improve").fill("Ask the name.")
        page.get_by_role("button", name="Submit evaluation").click()
        expect(page.locator(".flash")).to_contain_text("Evaluation of call X-9 submitted.")
    finally:
        context.close()
