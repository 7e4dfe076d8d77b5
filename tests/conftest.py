"""Settings every test runs under.

A message key missing from a language's catalogue is an error in the tests (``greenpark.i18n`` strict mode),
so a page or report that would show a key or fall back to English fails the test that renders it. Set here,
in the environment, so servers the tests start in subprocesses are strict too.
"""

import os

os.environ.setdefault("GREENPARK_I18N_STRICT", "1")
