# A real SMTP server for the reply tests (and the browser test that sends a reply).
from tests.support.smtp import smtp_server  # noqa: F401
