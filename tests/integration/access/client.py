from tests.integration.access import CLIENT_SIDE, Route

ROUTES = [
    Route("calls.home", "/t/{tenant}/", CLIENT_SIDE),
    Route("calls.agents", "/t/{tenant}/agents", CLIENT_SIDE),
    Route("calls.agent", "/t/{tenant}/agents/{agent}", CLIENT_SIDE),
    Route("calls.calls", "/t/{tenant}/calls", CLIENT_SIDE),
    Route("calls.call", "/t/{tenant}/calls/{call}", CLIENT_SIDE),
    # the world's call has no recording: 404 even to its own people (tests/integration/test_recordings.py streams one)
    Route("call_recordings.for_client", "/t/{tenant}/calls/{call}/recording", CLIENT_SIDE, ok=404),
]
