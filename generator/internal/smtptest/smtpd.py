"""A real SMTP server for tests: aiosmtpd (Debian's python3-aiosmtpd), stored to a folder.

    /usr/bin/python3 -I smtpd.py --maildir DIR [--port 0] [--tls-cert F --tls-key F]
        [--implicit-tls] [--user U --password P] [--fail-rcpt N]

It listens on 127.0.0.1 only (port 0: a free one) and prints one line,
"listening 127.0.0.1:PORT", once it accepts connections.

Every accepted message is stored in DIR as two files: NNNNNN.json, the envelope
({"from": ..., "to": [...]}), then NNNNNN.eml, the message exactly as the client
sent it (dot-stuffing undone). Each is written under a temporary name and
renamed, the .eml last, so a reader that lists *.eml never sees half a message.
Numbers go on from the files already in DIR, so a restarted server adds to them.

--tls-cert/--tls-key (PEM) offer STARTTLS, required before AUTH, and before MAIL
when --user is given. --implicit-tls speaks TLS from the first byte instead
(SMTPS). --user/--password require AUTH (PLAIN or LOGIN) before MAIL; other
credentials get 535. --fail-rcpt N answers the first N RCPT TO commands with 451
(a temporary failure), for tests of retrying.

SIGTERM or SIGINT stops it (exit 0), and so does its parent process ending.
Exit 3: aiosmtpd is not installed.
"""
import argparse
import asyncio
import json
import logging
import os
import signal
import socket
import ssl
import sys
import time
import warnings

try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    print("smtpd.py: aiosmtpd is missing: apt-get install -y python3-aiosmtpd", file=sys.stderr)
    sys.exit(3)


class Maildir:
    """The aiosmtpd handler: stores each message as the module doc says."""

    def __init__(self, path, auth, fail_rcpt):
        self.path = path
        self.auth = auth
        self.fail_rcpt = fail_rcpt
        numbers = [int(n[:-4]) for n in os.listdir(path) if n.endswith(".eml") and n[:-4].isdigit()]
        self.count = max(numbers, default=0)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd advertises AUTH even with no credentials to accept; a
        # server without --user offers none, as a real relay would.
        session.host_name = hostname
        return [r for r in responses if self.auth or not r[4:].startswith("AUTH")]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.fail_rcpt > 0:
            self.fail_rcpt -= 1
            return "451 4.3.0 Temporary failure (--fail-rcpt), try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # No await in here: one message at a time takes a number.
        self.count += 1
        name = os.path.join(self.path, "%06d" % self.count)
        write_atomic(name + ".json", json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos}).encode())
        write_atomic(name + ".eml", envelope.original_content)
        return "250 2.0.0 OK: stored as %06d" % self.count


def write_atomic(path, data):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


def listen(port):
    """A listening socket on 127.0.0.1:port. SO_REUSEADDR lets a restart take
    the same port while connections of the last run are in TIME_WAIT; a port
    still held (the last run not quite gone) is tried again for 5 s."""
    deadline = time.monotonic() + 5
    while True:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            return sock
        except OSError:
            sock.close()
            if port == 0 or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


async def serve(args):
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    starttls = None if args.implicit_tls else tls
    auth = args.user is not None
    user, password = (args.user or "").encode(), (args.password or "").encode()

    def authenticator(server, session, envelope, mechanism, login):
        return AuthResult(success=login.login == user and login.password == password, handled=False)

    handler = Maildir(args.maildir, auth, args.fail_rcpt)

    def smtp():
        # AUTH over STARTTLS only once TLS is on; over implicit TLS it already
        # is; with no TLS at all (a plain test server) it is allowed as is.
        return SMTP(handler, hostname="localhost", enable_SMTPUTF8=True,
                    tls_context=starttls, require_starttls=bool(starttls) and auth,
                    auth_required=auth, auth_require_tls=bool(starttls),
                    authenticator=authenticator if auth else None)

    loop = asyncio.get_running_loop()
    sock = listen(args.port)
    server = await loop.create_server(smtp, sock=sock, ssl=tls if args.implicit_tls else None)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("listening 127.0.0.1:%d" % sock.getsockname()[1], flush=True)

    # A test run killed before its clean-up leaves no server behind: when the
    # parent goes, this process is handed to another and stops.
    parent = os.getppid()
    while not stop.is_set() and os.getppid() == parent:
        try:
            await asyncio.wait_for(stop.wait(), 1)
        except asyncio.TimeoutError:
            pass
    server.close()


def main():
    p = argparse.ArgumentParser(description="A real SMTP server for tests, storing each message in a folder.")
    p.add_argument("--maildir", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--fail-rcpt", type=int, default=0)
    args = p.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if args.implicit_tls and not args.tls_cert:
        p.error("--implicit-tls needs --tls-cert and --tls-key")
    if (args.user is None) != (args.password is None):
        p.error("--user and --password go together")
    os.makedirs(args.maildir, exist_ok=True)
    # AUTH without STARTTLS is meant here (implicit TLS, or a plain test
    # server): keep aiosmtpd's warnings about it out of the log.
    warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
