"""Signals of the grading package, for parts that keep derived figures (report rollups).

`evaluation_scored` is sent with the Evaluation as sender whenever a submitted evaluation's
score comes into being or changes (submission, a correction after a dispute). It is sent
inside the transaction, after the evaluation and its criterion rows are flushed and before
the commit: receivers write in the same session, so the figures and the evaluation commit
or roll back together. Receivers never commit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()
evaluation_scored = _signals.signal("evaluation-scored")
