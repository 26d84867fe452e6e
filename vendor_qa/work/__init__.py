"""Work that survives faults: the outbox relayed to RQ, the sweeper, the one scheduler.

- `outbox`: work to do is written in the transaction of its cause and relayed to RQ after
  the commit (and again by the periodic relay and at worker start while Redis was down).
- `liveness`: whether a job is waiting, running on a live worker, or lost.
- `sweeper`: finds work with no live job and writes it to the outbox again.
- `scheduler`: the cron scheduler, one at a time under a lock in Redis.
"""
