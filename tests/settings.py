"""What a test run reads as its settings: config/settings.py, the one settings file, with
the environment a test run needs set first. A value already in the environment wins, so
CI's DATABASE_URL and REDIS_URL (or a developer's own choices) still apply.

config/settings.py never asks whether it runs under test: each value here is one an
installation could set too, and tests/test_config/test_production_settings.py reads the
same file with a production environment inside this run.
"""

import os

TEST_ENVIRONMENT = {
    # These settings never serve anyone.
    "SECRET_KEY": "tests-only-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",  # the browser tests' live server
    # A cache of each test process's own, emptied before every test (tests/conftest.py).
    "CACHE_URL": "locmemcache://",
    # Tasks run in-process and raise their errors in the test; tests marked `worker` start
    # real workers (tests/workers.py), which read none of this.
    "CELERY_TASK_ALWAYS_EAGER": "1",
    "CELERY_TASK_EAGER_PROPAGATES": "1",
    # The test client asks over http.
    "SECURE_SSL_REDIRECT": "0",
    # No collectstatic before a test run: static files are served as they are.
    "STATICFILES_MANIFEST": "0",
}
for name, value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(name, value)

from config.settings import *  # noqa: E402, F403

# Hashing at full strength would dominate the suite's run time. Not an environment value:
# no installation should ever choose it.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
