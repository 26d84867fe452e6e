"""Entry point for gunicorn and `flask --app wsgi`."""

from vendor_qa import create_app

app = create_app()
