"""Email senders. The outbox hands each message to one of these; in development the message is logged."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Protocol

from flask import Flask, current_app


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class LogSender:
    def send(self, message: EmailMessage) -> None:
        current_app.logger.warning(
            "EMAIL to %s: %s\n%s", message["To"], message["Subject"], message.get_content().strip()
        )


class MemorySender:
    """Keeps sent messages in a list (tests); ``fail`` makes it raise like an SMTP server that is down."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.fail = False

    def send(self, message: EmailMessage) -> None:
        if self.fail:
            raise ConnectionRefusedError("memory sender told to fail")
        self.sent.append(message)


class SmtpSender:
    def __init__(self, app: Flask) -> None:
        self.host = app.config["MAIL_SERVER"]
        self.port = app.config["MAIL_PORT"]
        self.username = app.config.get("MAIL_USERNAME")
        self.password = app.config.get("MAIL_PASSWORD")
        self.use_tls = app.config.get("MAIL_USE_TLS", False)

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def sender_for(app: Flask) -> Sender:
    backend = app.config["MAIL_BACKEND"]
    if backend == "smtp":
        return SmtpSender(app)
    if backend == "memory":
        return MemorySender()
    if backend == "log":
        return LogSender()
    raise RuntimeError(f"Unknown MAIL_BACKEND {backend!r}")
