"""A real SMTP server for a test (aiosmtpd), and the settings that send Django's mail through it.

Django's test set-up swaps in the locmem backend for every mailer; ``smtp_server`` puts the SMTP backend back,
pointed at a server on 127.0.0.1 and a free port, so a test proves what a mail server really receives.
"""

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message as the server took it: the envelope's recipients and the parsed message."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        # SMTP carries CRLF line endings; the text as written has LF.
        return self.message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


@dataclass
class Inbox:
    """What the server received; ``refuse`` makes it answer every recipient with a 550."""

    messages: list[Received] = field(default_factory=list)
    refuse: bool = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SmtpServer:
    controller: Controller
    inbox: Inbox
    running: bool = True

    def stop(self) -> None:
        """Take the server down, as when the mail server is unreachable: connections are refused."""
        if self.running:
            self.controller.stop()
            self.running = False


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    server = SmtpServer(controller, inbox)
    yield server
    server.stop()
