from pathlib import Path

from tests.integration.access import CLIENT_SIDE, Route

# The downloadable example file doubles as the upload of the matrix (opened afresh for each request).
EXAMPLE_CSV = Path(__file__).resolve().parents[3] / "templates" / "imports" / "example.csv"

ROUTES = [
    Route("imports.index", "/t/{tenant}/imports/", CLIENT_SIDE),
    Route("imports.upload", "/t/{tenant}/imports/", CLIENT_SIDE, method="POST", ok=302,
          data={"file": (str(EXAMPLE_CSV), "calls.csv")}),
    Route("imports.detail", "/t/{tenant}/imports/{import_}", CLIENT_SIDE),
    Route("imports.retry", "/t/{tenant}/imports/{import_}/retry", CLIENT_SIDE, method="POST", ok=303),
    Route("imports.example", "/t/{tenant}/imports/example.csv", CLIENT_SIDE),
]
