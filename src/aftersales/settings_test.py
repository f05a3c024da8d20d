"""Settings of the test suite: aftersales.settings with a test-only secret key.

The suite also runs on PostgreSQL (AFTERSALES_DATABASE_URL), where aftersales.settings refuses to
start on the built-in key; the key is set in the environment, so the servers and commands that
tests start as subprocesses get it too. A key given from outside (CI) wins.
"""

import os

os.environ.setdefault("AFTERSALES_SECRET_KEY", "tests-only-secret-key-never-used-in-production-0123456789")

from aftersales.settings import *  # noqa: E402, F403

# The task worker thread of `aftersales serve` is started by the tests that need it (tests/browser
# conftest `task_worker`), never as a side effect of another test starting the background work.
AFTERSALES_TASK_WORKER = False
