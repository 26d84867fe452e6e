"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

The session's database was built by `flask db upgrade` (the `app` fixture);
Alembic's autogenerate compares it with the models' metadata and must find
nothing to do. A model change without its migration fails here.
"""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from vendor_qa.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "render_as_batch": conn.dialect.name == "sqlite",
        })
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "models and migrations differ; run `flask --app wsgi db migrate`:\n" + \
        "\n".join(map(str, differences))


def test_migrations_have_one_head(app):
    # Two heads means two branches written in parallel that nobody merged: `db upgrade` would stop.
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1, f"several migration heads: {script.get_heads()}"
