"""Coaching sessions: a lead or manager's talk with an agent, its follow-up, and the monthly count."""
