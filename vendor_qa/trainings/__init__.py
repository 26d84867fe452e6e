"""Trainings: from a systemic finding to a fix, with a before/after follow-up (issue 13)."""
