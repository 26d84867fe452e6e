"""The builder over HTTP: inline HTMX editing, validation in place, publishing, locks, preview, roles."""

from __future__ import annotations

import json
import re

import pytest

from vendor_qa.extensions import db
from vendor_qa.scorecards import transfer, versions
from vendor_qa.tenants.scoping import tenant_scope

HX = {"HX-Request": "true"}

DOCUMENT = {
    "format": transfer.FORMAT,
    "scorecard": {"name": "Inbound", "channels": ["phone"]},
    "sections": [
        {"title": "Opening", "criteria": [
            {"text": "Greets", "kind": "binary", "weight": 10},
            {"text": "Asks if it is a good time", "kind": "binary", "weight": 10, "allow_na": True},
        ]},
        {"title": "Solution", "criteria": [
            {"text": "Solves it", "kind": "graded", "weight": 20, "critical": "section"},
            {"text": "Empathy", "kind": "scale", "weight": 10, "scale_max": 4},
        ]},
    ],
}


def make_version(tenant, document=DOCUMENT, publish=True):
    with tenant_scope(tenant.id):
        draft, _ = transfer.create_draft(tenant.id, transfer.parse(json.dumps(document)), [])
        if publish:
            versions.publish(draft, None, "v1")
        db.session.commit()
        return versions.get_version(draft.id)


@pytest.fixture
def tenant(build):
    return build.tenant()


@pytest.fixture
def admin(build, login):
    user = build.admin()
    login(user)
    return user


def base(tenant) -> str:
    return f"/t/{tenant.slug}/scorecards"


def text(response) -> str:
    return response.get_data(as_text=True)


def test_create_then_build_inline_with_htmx(tenant, admin, client):
    response = client.post(f"{base(tenant)}/new", data={"name": "Chat", "channels": ["chat", "email"]})
    assert response.status_code == 302
    editor = response.headers["Location"]
    draft_id = int(re.search(r"/versions/(\d+)/edit", editor).group(1))

    added = client.post(f"{base(tenant)}/versions/{draft_id}/sections", data={"title": "Opening"}, headers=HX)
    assert added.status_code == 200
    assert added.headers["HX-Retarget"] == "#outline"
    assert 'id="outline"' in text(added) and "Opening" in text(added)
    assert re.search(r'id="preview"[^>]*hx-swap-oob="true"', text(added))

    with tenant_scope(tenant.id):
        section_id = versions.get_version(draft_id).sections[0].id
    form = client.get(f"{base(tenant)}/sections/{section_id}/criteria", headers=HX)
    assert "<form" in text(form) and "<html" not in text(form)  # a fragment, not a page

    bad = client.post(f"{base(tenant)}/sections/{section_id}/criteria", headers=HX,
                      data={"text": "Greets", "kind": "scale", "weight": "0", "critical": "call", "allow_na": "y"})
    assert bad.status_code == 422
    page = text(bad)
    assert "The weight is a number of points above 0" in page
    assert "A scale runs from 0 to a maximum" in page
    assert "A critical criterion cannot allow N/A" in page

    good = client.post(f"{base(tenant)}/sections/{section_id}/criteria", headers=HX,
                       data={"text": "Greets by name", "kind": "binary", "weight": "5", "ability": "courtesy"})
    assert good.status_code == 200 and "Greets by name" in text(good)
    with tenant_scope(tenant.id):
        crit = versions.get_version(draft_id).criteria[0]
        assert (crit.text, crit.weight, crit.ability) == ("Greets by name", 5, "courtesy")

    edit_form = client.get(f"{base(tenant)}/criteria/{crit.id}/edit", headers=HX)
    assert 'value="Greets by name"' in text(edit_form)
    saved = client.post(f"{base(tenant)}/criteria/{crit.id}/edit", headers=HX,
                        data={"text": "Greets warmly", "kind": "graded", "weight": "6", "partial_fraction": "0.25"})
    assert saved.status_code == 200
    assert "Greets warmly" in text(saved) and "partial 0.25" in text(saved) and "<html" not in text(saved)
    cancel = client.get(f"{base(tenant)}/criteria/{crit.id}", headers=HX)
    assert "Greets warmly" in text(cancel) and "<form" in text(cancel)  # its move/delete buttons


def test_without_javascript_forms_post_and_redirect(tenant, admin, client):
    draft = make_version(tenant, publish=False)
    section = draft.sections[0]
    page = client.get(f"{base(tenant)}/sections/{section.id}/edit")
    assert "<html" in text(page) and 'name="title"' in text(page)
    renamed = client.post(f"{base(tenant)}/sections/{section.id}/edit", data={"title": "Greeting"})
    assert renamed.status_code == 302 and renamed.headers["Location"].endswith(f"/versions/{draft.id}/edit")
    client.post(f"{base(tenant)}/sections/{draft.sections[1].id}/move", data={"direction": "up"})
    editor = text(client.get(f"{base(tenant)}/versions/{draft.id}/edit"))
    assert editor.index("Solution") < editor.index("Greeting")


def test_publish_lists_the_problems_and_then_succeeds(tenant, admin, client):
    response = client.post(f"{base(tenant)}/new", data={"name": "Empty", "channels": "phone"})
    draft_id = int(re.search(r"/versions/(\d+)/edit", response.headers["Location"]).group(1))
    client.post(f"{base(tenant)}/versions/{draft_id}/sections", data={"title": "Opening"})
    refused = client.post(f"{base(tenant)}/versions/{draft_id}/publish", data={"note": "go"})
    assert refused.status_code == 422
    assert "Section “Opening” has no criteria" in text(refused)

    with tenant_scope(tenant.id):
        section_id = versions.get_version(draft_id).sections[0].id
    client.post(f"{base(tenant)}/sections/{section_id}/criteria", data={"text": "Greets", "kind": "binary", "weight": "1"})
    published = client.post(f"{base(tenant)}/versions/{draft_id}/publish", data={"note": "go"})
    assert published.status_code == 302
    page = text(client.get(published.headers["Location"]))
    assert "Version 1 is published" in page and "Edit (new draft)" in page


def test_published_versions_refuse_edits_with_409(tenant, admin, client):
    version = make_version(tenant)
    section, crit = version.sections[0], version.criteria[0]
    attempts = [
        client.get(f"{base(tenant)}/versions/{version.id}/edit"),
        client.post(f"{base(tenant)}/versions/{version.id}/sections", data={"title": "More"}),
        client.post(f"{base(tenant)}/sections/{section.id}/edit", data={"title": "Changed"}),
        client.post(f"{base(tenant)}/sections/{section.id}/delete"),
        client.post(f"{base(tenant)}/criteria/{crit.id}/edit", data={"text": "X", "kind": "binary", "weight": "1"}),
        client.post(f"{base(tenant)}/criteria/{crit.id}/delete"),
        client.post(f"{base(tenant)}/criteria/{crit.id}/move", data={"direction": "down"}),
        client.post(f"{base(tenant)}/versions/{version.id}/publish"),
    ]
    assert [r.status_code for r in attempts] == [409] * len(attempts)
    assert "cannot be changed" in text(attempts[0]) and "new draft" in text(attempts[0])
    with tenant_scope(tenant.id):
        assert [c.text for c in versions.get_version(version.id).criteria][:1] == ["Greets"]


def test_an_htmx_edit_refused_with_409_answers_with_its_reason_alone(tenant, admin, client):
    # htmx does not swap error answers: the page shows this short text in its alert bar.
    version = make_version(tenant)
    crit = version.criteria[0]
    refused = client.post(f"{base(tenant)}/criteria/{crit.id}/move", data={"direction": "down"},
                          headers={"HX-Request": "true"})
    assert refused.status_code == 409
    body = text(refused)
    assert "cannot be changed" in body and "<html" not in body


def test_edit_on_a_published_scorecard_opens_a_new_draft(tenant, admin, client):
    version = make_version(tenant)
    response = client.post(f"{base(tenant)}/{version.scorecard_id}/draft")
    assert response.status_code == 302
    again = client.post(f"{base(tenant)}/{version.scorecard_id}/draft")
    assert again.headers["Location"] == response.headers["Location"]  # the same draft
    editor = text(client.get(response.headers["Location"]))
    assert "draft v2" in editor and "Solves it" in editor


def preview(client, tenant, version, answers: dict[str, str]):
    keys = {c.text: c.key for c in version.criteria}
    data = {f"a-{keys[name]}": value for name, value in answers.items()}
    return client.post(f"{base(tenant)}/versions/{version.id}/preview", data=data, headers=HX)


def test_preview_scores_the_answers(tenant, admin, client):
    version = make_version(tenant)
    # Greets 0/10, good time N/A, Solves 20/20, Empathy 3/4 of 10 = 7.5: 27.5 of 40 = 68.75 -> 68.8
    response = preview(client, tenant, version, {"Greets": "no", "Asks if it is a good time": "na",
                                                 "Solves it": "full", "Empathy": "3"})
    assert response.status_code == 200
    page = text(response)
    assert "<strong>68.8</strong> · train" in page and "fail" in page
    assert "#b26a00" in page  # the band's colour
    opening = re.search(r'data-section="Opening".*?</tr>', page, re.S).group(0)
    assert "0.0 / 10.0" in opening and "re-certify" in opening
    solution = re.search(r'data-section="Solution".*?</tr>', page, re.S).group(0)
    assert "27.5 / 30.0" in solution and "91.7" in solution


def test_preview_shows_a_critical_miss_and_partial_answers(tenant, admin, client):
    version = make_version(tenant)
    response = preview(client, tenant, version, {"Greets": "yes", "Solves it": "none"})
    page = text(response)
    # Solution is zeroed by its critical miss: 10 earned of 30 possible answered so far -> 33.3
    assert "<strong>33.3</strong> · re-certify" in page
    assert "zeroed: critical miss" in page
    assert "2 of 4 criteria not answered yet" in page


def test_preview_refuses_answers_a_criterion_does_not_take(tenant, admin, client):
    version = make_version(tenant)
    response = preview(client, tenant, version, {"Greets": "na", "Empathy": "9"})
    assert response.status_code == 422
    assert "N/A is not allowed" in text(response) and "from 0 to 4" in text(response)


def test_only_na_answers_have_no_score(tenant, admin, client):
    version = make_version(tenant)
    page = text(preview(client, tenant, version, {"Asks if it is a good time": "na"}))
    assert "there is no score" in page


def test_managers_and_graders_read_without_edit_controls(tenant, build, login, client):
    version = make_version(tenant)
    for user in (build.manager(tenant), build.grader(tenant)):
        login(user)
        listing = text(client.get(f"{base(tenant)}/"))
        assert "Inbound" in listing and "New scorecard" not in listing
        page = text(client.get(f"{base(tenant)}/versions/{version.id}"))
        assert "Solves it" in page and "Edit (new draft)" not in page and "Rename" not in page
        assert client.post(f"{base(tenant)}/{version.scorecard_id}/draft").status_code == 403
        assert preview(client, tenant, version, {"Greets": "yes"}).status_code == 200


def test_archive_moves_a_scorecard_to_the_archived_list(tenant, admin, client):
    version = make_version(tenant)
    client.post(f"{base(tenant)}/{version.scorecard_id}/archive")
    assert "Inbound" not in text(client.get(f"{base(tenant)}/"))
    assert "Inbound" in text(client.get(f"{base(tenant)}/?archived=1"))
    client.post(f"{base(tenant)}/{version.scorecard_id}/unarchive")
    assert "Inbound" in text(client.get(f"{base(tenant)}/"))


def test_history_and_compare_pages(tenant, admin, client):
    v1 = make_version(tenant)
    with tenant_scope(tenant.id):
        v2 = versions.start_draft(versions.get_version(v1.id).scorecard)
        versions.update_criterion(v2.criteria[0], {"weight": 15})
        versions.delete_criterion(v2.criteria[3])
        versions.publish(v2, admin.id, "Greeting matters more")
        db.session.commit()
    history = text(client.get(f"{base(tenant)}/{v1.scorecard_id}"))
    assert "Greeting matters more" in history and "retired" in history and "published" in history
    compare = text(client.get(f"{base(tenant)}/{v1.scorecard_id}/compare?a=1&b=2"))
    assert re.search(r'class="removed".*Empathy', compare, re.S)
    assert re.search(r'class="changed".*weight: 10.*weight: 15', compare, re.S)
    assert client.get(f"{base(tenant)}/{v1.scorecard_id}/compare?a=1&b=9").status_code == 400


def test_bands_page_validates_and_saves(tenant, admin, client):
    bad = client.post(f"{base(tenant)}/bands", data={
        "bands-0-name": "low", "bands-0-min_score": "10", "bands-0-color": "#c62828",
        "bands-1-name": "high", "bands-1-min_score": "5", "bands-1-color": "red",
        "pass_mark": "50", "ability_tags": "courtesy"})
    assert bad.status_code == 422
    for message in ("The first band must start at 0", "rise strictly", "colour must look like"):
        assert message in text(bad)
    good = client.post(f"{base(tenant)}/bands", data={
        "bands-0-name": "weak", "bands-0-min_score": "0", "bands-0-color": "#c62828",
        "bands-1-name": "strong", "bands-1-min_score": "60.5", "bands-1-color": "#2E7D32",
        "pass_mark": "60.5", "ability_tags": "Courtesy\nprocedure\ncourtesy\n"})
    assert good.status_code == 302
    db.session.refresh(tenant)
    assert tenant.settings["bands"] == [{"name": "weak", "min_score": 0, "color": "#c62828"},
                                       {"name": "strong", "min_score": 60.5, "color": "#2e7d32"}]
    assert tenant.settings["pass_mark"] == 60.5 and tenant.settings["ability_tags"] == ["courtesy", "procedure"]
    version = make_version(tenant)
    page = text(preview(client, tenant, version, {"Greets": "no", "Solves it": "full"}))
    assert "<strong>66.7</strong> · strong" in page and "pass" in page  # 20 of 30


def test_score_badge_macro(app, tenant):
    from fractions import Fraction

    with app.test_request_context():
        template = app.jinja_env.from_string(
            '{% from "scorecards/_macros.html" import score_badge %}{{ score_badge(total, tenant) }}')
        assert "<strong>75.9</strong> · train" in template.render(total=Fraction(7594, 100), tenant=tenant)
        assert "#2e7d32" in template.render(total=76, tenant=tenant)
        assert "—" in template.render(total=None, tenant=tenant)
