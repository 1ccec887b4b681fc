"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the mail client's tests.

Prints the port it listens on, then writes every mail it accepts as one JSON line to the file
given with --out: {"mail_from", "rcpt_tos", "data" (the raw message as text), "tls", "auth_login"}.
Options make it offer STARTTLS or speak TLS from the start, require authentication, answer a
chosen error to RCPT TO or DATA, or accept connections and never answer. Ends on SIGTERM.
"""

import argparse
import asyncio
import email
import email.policy
import json
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, out_path, rcpt_reply, data_reply):
        self.out_path = out_path
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        auth = session.auth_data
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", errors="replace"),
            "tls": session.ssl is not None or server._tls_protocol is not None,
            "auth_login": auth.login.decode() if isinstance(auth, LoginPassword) else None,
            **parsed(envelope.content),
        }
        with open(self.out_path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
            out.flush()
        return "250 OK: queued"


def parsed(content):
    """The message as Python's own MIME parser reads it: decoded headers and parts, and its complaints."""
    message = email.message_from_bytes(content, policy=email.policy.default)
    sender = message["from"].addresses[0]
    parts, defects = [], [repr(d) for d in message.defects]
    for part in message.walk():
        defects += [repr(d) for d in part.defects]
        if part.is_multipart():
            continue
        parts.append({"content_type": part.get_content_type(), "charset": part.get_content_charset(),
                      "transfer_encoding": part["content-transfer-encoding"], "text": part.get_content()})
    return {
        "subject": str(message["subject"]),
        "from_name": sender.display_name,
        "from_address": sender.addr_spec,
        "to": [address.addr_spec for address in message["to"].addresses],
        "message_id": message["message-id"],
        "headers": [[name, str(value)] for name, value in message.items()],
        "parts": parts,
        "defects": defects,
    }


def tls_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="file to append one JSON line per accepted mail to")
    parser.add_argument("--starttls-cert")
    parser.add_argument("--starttls-key")
    parser.add_argument("--tls-cert", help="speak TLS from the first byte (smtps) with this certificate")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="require AUTH with these credentials")
    parser.add_argument("--auth-mechanisms", default="PLAIN LOGIN", help="mechanisms offered, e.g. LOGIN")
    parser.add_argument("--auth-without-tls", action="store_true", help="offer AUTH on a plain connection")
    parser.add_argument("--rcpt-reply", help='answer every RCPT TO with this, e.g. "451 4.3.0 try later"')
    parser.add_argument("--data-reply", help='answer the end of DATA with this, e.g. "554 5.6.0 rejected"')
    parser.add_argument("--silent", action="store_true", help="accept connections and never say a word")
    args = parser.parse_args()

    # A child inherits its parent's blocked signals (posix_spawn from a Swift test's thread blocks
    # SIGTERM, for instance): unblock the ones that end this server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Sink(args.out, args.rcpt_reply, args.data_reply)

    authenticator = None
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            # handled=False: aiosmtpd answers a failure with 535 itself.
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

    starttls = tls_context(args.starttls_cert, args.starttls_key) if args.starttls_cert else None
    implicit = tls_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    excluded = [m for m in ("PLAIN", "LOGIN") if m not in args.auth_mechanisms.upper().split()]

    def make_protocol():
        if args.silent:
            return asyncio.Protocol()
        return SMTP(handler, hostname="sink.test", tls_context=starttls, authenticator=authenticator,
                    auth_required=authenticator is not None,
                    # Under implicit TLS aiosmtpd does not see the encryption it sits on.
                    auth_require_tls=not (args.auth_without_tls or implicit is not None),
                    auth_exclude_mechanism=excluded, loop=loop)

    server = loop.run_until_complete(loop.create_server(make_protocol, "127.0.0.1", 0, ssl=implicit))
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.run_until_complete(stop.wait())
    server.close()
    loop.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
