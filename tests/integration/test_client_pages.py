"""The client pages of one tenant: home, agents, calls, as a client manager uses them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from vendor_qa import periods

OSLO = ZoneInfo("Europe/Oslo")


def external_ids(response) -> set[str]:
    """The calls listed on a page, by the external ids the tests give them (X-...)."""
    return set(re.findall(r">(X-[\w-]+)</a>", response.get_data(as_text=True)))


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def acme(build):
    """A tenant in Oslo with two teams, two agents and calls of every kind; and a neighbour."""
    tenant = build.tenant(slug="acme", name="Acme Telecom", timezone="Europe/Oslo")
    north, south = build.team(tenant, "North"), build.team(tenant, "South")
    alice = build.agent(tenant, team=north, display_name="Alice Berg", external_id="emp-17", code="AG-ALICE")
    bob = build.agent(tenant, team=south, display_name="Bob Dahl", external_id="emp-42", code="AG-BOBBB",
                      active=False)
    week = periods.current_week(OSLO).bounds
    this_week = week.start + timedelta(minutes=5)
    calls = {
        "X-low": build.call(alice, external_id="X-low", started_at=this_week, customer_rating=1, topic="billing",
                            channel="phone", recording_url="https://recordings.example/acme/X-low.mp3",
                            transcript="Agent: Hello\nCustomer: My bill is wrong", duration_seconds=754,
                            extra={"queue": "North", "wait_seconds": 12}),
        "X-chat": build.call(alice, external_id="X-chat", started_at=this_week + timedelta(minutes=1),
                             customer_rating=5, topic="roaming", channel="chat"),
        "X-unrated": build.call(bob, external_id="X-unrated", started_at=this_week + timedelta(minutes=2),
                                customer_rating=None, topic="billing", channel="email"),
        "X-old": build.call(bob, external_id="X-old", started_at=week.start - timedelta(days=3),
                            customer_rating=2, topic="cancellation", channel="phone"),
    }
    neighbour = build.tenant(slug="globex", name="Globex", timezone="America/New_York")
    stranger = build.agent(neighbour, display_name="Stranger Agent", external_id="emp-17")
    foreign_call = build.call(stranger, external_id="X-foreign", started_at=this_week, customer_rating=1,
                              topic="billing")
    return dict(tenant=tenant, north=north, south=south, alice=alice, bob=bob, calls=calls,
                manager=build.manager(tenant), stranger=stranger, foreign_call=foreign_call)


@pytest.fixture
def manager(acme, login):
    return login(acme["manager"])


def test_home_shows_the_tenant_and_this_weeks_counts(acme, manager):
    page = text(manager.get("/t/acme/"))
    assert "Acme Telecom" in page and "Europe/Oslo" in page
    counts = dict((label.strip(), int(value)) for value, label in
                  re.findall(r'<div class="value">(\d+)</div>\s*<div class="label">([^<(]+)', page))
    # X-old is last week; the neighbour's low-rated call is not ours
    assert counts == {"agents": 2, "teams": 2, "calls this week": 3, "calls rated 2 or lower this week": 1}
    assert "/t/acme/imports/" in page


def test_agents_search_by_name_code_and_external_id(acme, manager):
    for term in ("alice", "AG-ALI", "emp-17"):
        page = text(manager.get(f"/t/acme/agents?q={term}"))
        assert "Alice Berg" in page and "Bob Dahl" not in page, term
    assert "Stranger Agent" not in text(manager.get("/t/acme/agents?q=emp"))


def test_agents_filter_by_team_and_status(acme, manager):
    by_team = text(manager.get(f"/t/acme/agents?team={acme['south'].id}"))
    assert "Bob Dahl" in by_team and "Alice Berg" not in by_team
    inactive = text(manager.get("/t/acme/agents?status=inactive"))
    assert "Bob Dahl" in inactive and "Alice Berg" not in inactive
    nobody = text(manager.get(f"/t/acme/agents?team={acme['south'].id}&status=active"))
    assert "No agents match these filters" in nobody


def test_agents_list_counts_this_weeks_calls(acme, manager):
    page = text(manager.get("/t/acme/agents"))
    rows = dict(re.findall(r'>(Alice Berg|Bob Dahl)</a>.*?<td class="num">(\d+)</td>', page, re.S))
    assert rows == {"Alice Berg": "2", "Bob Dahl": "1"}


def test_agents_are_paginated(build, login):
    tenant = build.tenant(slug="big")
    for n in range(30):
        build.agent(tenant, display_name=f"Agent {n:02d}")
    client = login(build.manager(tenant))
    first, second = text(client.get("/t/big/agents")), text(client.get("/t/big/agents?page=2"))
    assert first.count("/t/big/agents/") == 25 and "Page 1 of 2 · 30 in all" in first
    assert second.count("/t/big/agents/") == 5 and "Agent 29" in second and "Agent 00" not in second


def test_agent_page_shows_details_weeks_and_calls(acme, manager):
    page = text(manager.get(f"/t/acme/agents/{acme['bob'].id}"))
    assert "Bob Dahl" in page and "AG-BOBBB" in page and "emp-42" in page and "South" in page
    weekly = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', page)]
    assert weekly == [0, 0, 1, 1]  # four ISO weeks, oldest first: X-old last week, X-unrated this week
    assert external_ids(manager.get(f"/t/acme/agents/{acme['bob'].id}")) == {"X-unrated", "X-old"}


@pytest.mark.parametrize("query, expected", [
    ("", {"X-low", "X-chat", "X-unrated", "X-old"}),
    ("q=x-ch", {"X-chat"}),
    ("q=cancel", {"X-old"}),
    ("agent={alice}", {"X-low", "X-chat"}),
    ("team={south}", {"X-unrated", "X-old"}),
    ("rating=5", {"X-chat"}),
    ("rating=low", {"X-low", "X-old"}),
    ("rating=none", {"X-unrated"}),
    ("topic=billing", {"X-low", "X-unrated"}),
    ("channel=phone", {"X-low", "X-old"}),
    ("topic=billing&channel=phone&agent={alice}", {"X-low"}),
    ("rating=low&team={north}", {"X-low"}),
])
def test_each_call_filter_narrows_the_list(acme, manager, query, expected):
    query = query.format(alice=acme["alice"].id, north=acme["north"].id, south=acme["south"].id)
    assert external_ids(manager.get(f"/t/acme/calls?{query}")) == expected


def test_dates_are_days_in_the_tenants_time_zone(acme, build, manager):
    # 00:30 in Oslo on the 11th is still the 10th in UTC
    late = datetime(2026, 3, 11, 0, 30, tzinfo=OSLO)
    build.call(acme["alice"], external_id="X-midnight", started_at=late.astimezone(timezone.utc))
    assert external_ids(manager.get("/t/acme/calls?from=2026-03-11&to=2026-03-11")) == {"X-midnight"}
    assert external_ids(manager.get("/t/acme/calls?from=2026-03-01&to=2026-03-10")) == set()
    assert "X-midnight" not in external_ids(manager.get("/t/acme/calls?from=2026-03-12"))


def test_calls_are_newest_first_and_paginated(build, login):
    tenant = build.tenant(slug="busy")
    agent = build.agent(tenant)
    start = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    for n in range(30):
        build.call(agent, external_id=f"X-{n:02d}", started_at=start + timedelta(minutes=n))
    client = login(build.manager(tenant))
    first = text(client.get("/t/busy/calls"))
    listed = re.findall(r">(X-\d+)</a>", first)
    assert listed[0] == "X-29" and listed == sorted(listed, reverse=True) and len(listed) == 25
    # Not counted (millions of calls at scale): the pager says more follow, and the last page says none.
    assert "Page 1 · more follow" in first and 'rel="next"' in first
    second = client.get("/t/busy/calls?page=2")
    assert external_ids(second) == {f"X-0{n}" for n in range(5)}
    assert "more follow" not in text(second) and 'rel="next"' not in text(second) and 'rel="prev"' in text(second)


def test_page_links_keep_the_filters(acme, build, manager):
    for n in range(30):
        build.call(acme["alice"], external_id=f"X-more-{n}", topic="billing", channel="chat")
    page = text(manager.get("/t/acme/calls?topic=billing&channel=chat"))
    link = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert "topic=billing" in link and "channel=chat" in link and "page=2" in link


def test_active_search_returns_only_the_results(acme, manager):
    response = manager.get("/t/acme/calls?q=X-chat", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in text(response) and external_ids(response) == {"X-chat"}
    assert "HX-Request" in response.headers.get("Vary", "")
    agents = manager.get("/t/acme/agents?q=bob", headers={"HX-Request": "true"})
    assert "<html" not in text(agents) and "Bob Dahl" in text(agents)
    boosted = manager.get("/t/acme/calls", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in text(boosted)


def test_call_page_shows_every_field(acme, manager):
    call = acme["calls"]["X-low"]
    page = text(manager.get(f"/t/acme/calls/{call.id}"))
    started = call.started_at.astimezone(OSLO).strftime("%Y-%m-%d %H:%M:%S")
    assert started in page and "12:34" in page and "1 / 5" in page and "billing" in page
    assert f'<audio controls preload="none" src="/t/acme/calls/{call.id}/recording">' in page
    assert "recordings.example" not in page  # streamed through the application
    assert '<pre class="transcript">Agent: Hello\nCustomer: My bill is wrong</pre>' in page
    assert "<td>wait_seconds</td><td>12</td>" in page and "Alice Berg" in page


def test_another_tenants_agent_and_call_are_not_found(acme, manager):
    assert manager.get(f"/t/acme/agents/{acme['stranger'].id}").status_code == 404
    assert manager.get(f"/t/acme/calls/{acme['foreign_call'].id}").status_code == 404
    assert manager.get(f"/t/globex/calls/{acme['foreign_call'].id}").status_code == 404
    # naming the neighbour's agent in a filter neither shows nor counts its calls
    page = manager.get(f"/t/acme/calls?agent={acme['stranger'].id}")
    assert "X-foreign" not in text(page) and "Agent: is not one of the choices" in text(page)


def test_the_calls_list_holds_only_the_tenants_calls(acme, manager):
    page = manager.get("/t/acme/calls")
    assert len(external_ids(page)) == 4 and "X-foreign" not in text(page) and "more follow" not in text(page)
    topic = re.search(r'<select[^>]*name="topic".*?</select>', text(page), re.S)[0]
    assert re.findall(r'<option value="([^"]+)"', topic) == ["billing", "cancellation", "roaming"]


@pytest.mark.parametrize("query", [
    "rating=abc", "from=2026-13-40", "to=9999-12-31", "from=0001-01-01", "agent=abc", "team=-1", "agent=99999999",
    "topic=nope", "channel=fax", "page=abc", "page=-3", "per_page=100000", "from=2026-03-10&to=2026-03-01",
    "q=%25_%5C",
])
def test_bad_filters_are_ignored_with_a_note(acme, manager, query):
    response = manager.get(f"/t/acme/calls?{query}")
    assert response.status_code == 200
    if not query.startswith(("page", "per_page", "q=")):
        assert "These filters were ignored" in text(response)


def test_bad_agent_filters_are_ignored_with_a_note(acme, manager):
    response = manager.get("/t/acme/agents?team=abc&status=maybe&page=x")
    assert response.status_code == 200
    assert "Team: is not one of the choices" in text(response) and "Alice Berg" in text(response)


def test_empty_states(build, login, acme, manager):
    assert "No calls match these filters" in text(manager.get("/t/acme/calls?q=nothing-like-this"))
    assert "No agents match these filters" in text(manager.get("/t/acme/agents?q=nothing-like-this"))
    empty = build.tenant(slug="empty")
    client = login(build.manager(empty))
    assert "No agents yet" in text(client.get("/t/empty/agents"))
    assert "No calls yet" in text(client.get("/t/empty/calls"))
    assert "No agents and no calls yet" in text(client.get("/t/empty/"))
    lonely = build.agent(empty, display_name="Lonely")
    assert "No calls for this agent yet" in text(client.get(f"/t/empty/agents/{lonely.id}"))


def test_vendor_admin_sees_any_tenants_pages(acme, build, login):
    client = login(build.admin())
    assert client.get("/t/globex/calls").status_code == 200
    assert external_ids(client.get("/t/globex/calls")) == {"X-foreign"}
