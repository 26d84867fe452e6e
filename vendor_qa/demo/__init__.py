"""The demo: realistic data for a fresh machine, loaded by `flask demo load` (`make run`).

- `content.py`: what it is made of: companies, languages, people's names, phrases (pure data)
- `people.py`: its accounts and their password
- `calls.py`: the tenants' teams, agents and weeks of calls, from a seeded generator
- `history.py`: a past week planned, mostly graded and closed through the product's code
- `background.py`: the history left to load after the quick part: its job, its progress
- `cli.py`: the `flask demo` commands
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The `flask demo` commands, and the notice pages show while the demo's history loads."""
    from vendor_qa.demo.background import loading_notice
    from vendor_qa.demo.cli import demo_cli

    app.cli.add_command(demo_cli)
    app.add_template_global(loading_notice, "demo_loading")
