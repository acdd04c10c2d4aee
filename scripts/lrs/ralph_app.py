"""Ralph's LRS app for the tests, with one workaround. Runs inside Ralph's own venv.

Ralph 5.1.0's filesystem backend writes in CREATE mode by default, which refuses to touch a
file that already exists: the first POST creates the day's statements file and every later
POST answers 500. APPEND is the mode meant for a log of statements, so we set it as the
backend's default before the API module builds its backend.
"""

from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

FSDataBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402  (must come after the workaround)

__all__ = ["app"]
