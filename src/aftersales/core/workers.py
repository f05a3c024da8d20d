"""The gunicorn worker of `aftersales serve`: gthread, with new connections going to the worker
that holds the fewest (docs/decisions/0004).

Gunicorn's workers all watch the one listening socket, and whichever wakes first accepts; with
keep-alive a connection then stays with that worker for good. Measured with two clients against
two workers: in about one run of three both connections ended up in one worker, which then served
them from one core (its threads share the GIL) while the other worker idled — 125 instead of
215 registrations a second. Here a worker that already holds connections waits a moment before
accepting a new one (ACCEPT_DELAY per connection held, at most ACCEPT_DELAY_MAX), so an idle
worker takes it first; if none does, it accepts after the wait. Its other connections are served
meanwhile, as the wait only takes the listening socket out of its poller. A lone worker never waits.
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

ACCEPT_DELAY = 0.01  # seconds per connection the worker holds already
ACCEPT_DELAY_MAX = 0.04


class BalancedThreadWorker(ThreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deferred_until = 0.0  # a new connection may be accepted from then on …
        self._defer_round_ends = 0.0  # … until then; later, a new wait begins

    def accept(self, listener: Any) -> None:
        now = time.monotonic()
        if self.nr_conns and self.cfg.workers > 1 and now >= self._defer_round_ends:
            delay = min(ACCEPT_DELAY * self.nr_conns, ACCEPT_DELAY_MAX)
            self._deferred_until = now + delay
            self._defer_round_ends = now + 2 * delay
            super().set_accept_enabled(False)
            return
        super().accept(listener)

    def set_accept_enabled(self, enabled: bool | None) -> None:
        if enabled and time.monotonic() < self._deferred_until:
            return  # still giving the other workers their chance
        super().set_accept_enabled(enabled)

    def wait_for_and_dispatch_events(self, timeout: float | None) -> None:
        waiting = self._deferred_until - time.monotonic()
        if waiting > 0:
            timeout = waiting if timeout is None else min(timeout, waiting)
        super().wait_for_and_dispatch_events(timeout)
