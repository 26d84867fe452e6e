"""Feedback reaches the agent: a personal link to their own page, acknowledgments, dispute requests.

- `models`: the links (token hash only), their e-mail deliveries, acknowledgments, requests.
- `links`: issuing, revoking and resolving a link; the token is signed (HMAC of the secret key).
- `feedback`: acknowledging, asking for a dispute, and the client's summaries of both.
- `views`: the agent's own pages, reached only through the link, outside the login session.
- `client_views`: the client's side: the link on the agent page, the agents' dispute requests.
- `jobs`: e-mailing a link, once per recipient.
"""
