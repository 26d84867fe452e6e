"""vendor_qa: the operating system of an outsourced call-center QA vendor."""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from vendor_qa.config import load_config

PROJECT_ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.from_mapping(load_config(app.instance_path))
    if config:
        app.config.from_mapping(config)
    register_proxy(app)
    register_input_guard(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    return app


def register_proxy(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, the client's address and scheme are what they forwarded
    (X-Forwarded-For, -Proto): the login limits count per real client, not per proxy."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_input_guard(app: Flask) -> None:
    """Bounded ids in every route and refused hostile input; first, as routes take converters when added."""
    from vendor_qa import input_guard

    input_guard.init_app(app)


def register_extensions(app: Flask) -> None:
    from sqlalchemy.orm import Session

    from vendor_qa import ratelimits, redis_store
    from vendor_qa.extensions import csrf, db, htmx, limiter, login_manager, migrate
    from vendor_qa.tenants import context, scoping
    from vendor_qa.work import outbox
    from vendor_qa.database import configure_engine

    import vendor_qa.schema  # noqa: F401  (all models known before anything queries)

    db.init_app(app)
    configure_engine(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    scoping.install(Session)
    outbox.install()  # jobs written with their work reach RQ right after the commit
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    htmx.init_app(app)
    # One web process in the embedded default: counters in memory; with REDIS_URL they are shared.
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_store.limiter_storage_uri(app.config["REDIS_URL"]))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    ratelimits.init_app(app)  # the 429 page: what was refused and when to try again
    redis_store.init_app(app)
    context.init_app(app)


def register_blueprints(app: Flask) -> None:
    from vendor_qa.api.views import bp as api_bp
    from vendor_qa.auth.views import bp as auth_bp
    from vendor_qa.audit.views import bp as audit_bp
    from vendor_qa.calibration.views import bp as calibration_bp
    from vendor_qa.calls.import_views import bp as imports_bp
    from vendor_qa.calls.views import bp as calls_bp
    from vendor_qa.coaching.views import bp as coaching_bp
    from vendor_qa.disputes.views import bp as disputes_bp
    from vendor_qa.grading.admin_views import bp as assignments_bp
    from vendor_qa.grading.views import bp as grading_bp
    from vendor_qa.health import bp as health_bp
    from vendor_qa.scorecards.views import bp as scorecards_bp
    from vendor_qa.tenants.views import bp as tenants_bp

    from vendor_qa.grading import client_views, form_views, mine_views
    from vendor_qa.reports.views import bp as reports_bp
    from vendor_qa.reports.archive_views import bp as report_archive_bp
    from vendor_qa.reports.methods_views import bp as methods_bp
    from vendor_qa.sla import views as sla_views
    import vendor_qa.api.sla  # noqa: F401  (GET /api/v1/sla, on the api blueprint)
    import vendor_qa.api.trainings  # noqa: F401  (GET /api/v1/trainings, on the api blueprint)

    for bp in (auth_bp, tenants_bp, calls_bp, imports_bp, grading_bp, assignments_bp, scorecards_bp, api_bp,
               form_views.bp, mine_views.bp, client_views.bp, reports_bp, report_archive_bp,
               sla_views.bp, sla_views.tenant_bp, sla_views.client_bp, sla_views.admin_bp, calibration_bp, audit_bp,
               disputes_bp, coaching_bp):
        app.register_blueprint(bp)
    register_reliability(app)
    register_recordings(app)
    register_trainings(app)
    app.register_blueprint(methods_bp)  # /methods: how each figure is computed
    register_agent_view(app)
    app.register_blueprint(health_bp)  # /healthz and /readyz, for load balancers


def register_agent_view(app: Flask) -> None:
    """The agent's own pages behind their personal link, and the client's side of them."""
    from vendor_qa.agent_view import client_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(client_views.bp)


def register_trainings(app: Flask) -> None:
    """Trainings, their follow-up and re-certification (vendor_qa/trainings)."""
    from vendor_qa.trainings.views import bp

    app.register_blueprint(bp)


def register_recordings(app: Flask) -> None:
    """Recordings streamed through the application, for graders and the tenant's people."""
    from vendor_qa.grading import recordings

    app.register_blueprint(recordings.grader_bp)
    app.register_blueprint(recordings.client_bp)


def register_reliability(app: Flask) -> None:
    """The grader reliability pages, and double grades started on each submitted sample."""
    from vendor_qa.calibration import doubles  # noqa: F401  (connects to grading.signals.evaluation_scored)
    from vendor_qa.calibration.reliability_views import bp

    app.register_blueprint(bp)


def register_commands(app: Flask) -> None:
    from vendor_qa import demo, devserver, jobs
    from vendor_qa.auth.cli import users_cli
    from vendor_qa.reports.cli import reports_cli
    from vendor_qa.sla.cli import sla_cli
    from vendor_qa.calls.csv_import import import_calls_command
    from vendor_qa.tenants.cli import tenants_cli

    app.cli.add_command(tenants_cli)
    app.cli.add_command(users_cli)
    demo.register(app)  # the `flask demo` commands and the pages' notice while its history loads
    app.cli.add_command(devserver.start_command)
    app.cli.add_command(import_calls_command)
    app.cli.add_command(sla_cli)
    app.cli.add_command(reports_cli)
    jobs.register_commands(app)


def register_errorhandlers(app: Flask) -> None:
    from vendor_qa.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from vendor_qa.templating import register

    register(app)


def register_security_headers(app: Flask) -> None:
    """CSP, nosniff, Referrer-Policy, HSTS in production, no-store for session pages and the API."""
    from vendor_qa import security_headers

    security_headers.init_app(app)
