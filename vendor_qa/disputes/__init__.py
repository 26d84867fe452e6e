"""Disputes of submitted evaluations: raising, reviewing, correcting, and the aged-dispute alert."""
