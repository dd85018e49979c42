#!/usr/bin/env python3
"""An SMTP server for the tests: it writes every message it accepts to a folder, as JSON.

    python sink.py --dir DIR [--refuse-first N] [--refuse-always] [--refuse-code CODE]
                   [--tls-cert PEM --tls-key PEM] [--client-ca PEM]

Listens on 127.0.0.1 on a port of the system's choosing and prints `ready <port>` on stdout
once it accepts connections. Runs until SIGTERM, SIGINT or the end of its stdin (the test that
started it holds the other end, so the sink never outlives it).

Each accepted message is written as DIR/0001.json, DIR/0002.json... (temp file then rename)
before the 250 reply, so a client whose send returned can read it at once. A refused message
(at the end of DATA) raises the count in DIR/refused. With --tls-cert/--tls-key, STARTTLS is
offered and required; with --client-ca, the client must also show a certificate that CA signed
(as MSSante relays ask). When aiosmtpd is missing it prints `unavailable: <why>` and exits 3
(telederm-tests then skips, or fails when SMTP tests are required).
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
from email import policy
from email.parser import BytesParser

try:
    from aiosmtpd.smtp import SMTP
except ImportError as error:
    print(f"unavailable: aiosmtpd is not installed for {sys.executable} ({error})", flush=True)
    sys.exit(3)


def write_atomically(path, text):
    """Write then rename, so that a reader never sees half a file."""
    temp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(temp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temp, path)


def part_text(message, subtype):
    """The decoded text of the message's text/SUBTYPE body, with line ends as `\\n`."""
    part = message.get_body(preferencelist=(subtype,))
    return None if part is None else part.get_content().replace("\r\n", "\n")


def describe(envelope, tls):
    raw = envelope.original_content
    message = BytesParser(policy=policy.default).parsebytes(raw)
    subject = message["subject"]
    return {
        "mail_from": envelope.mail_from,
        "rcpt_tos": list(envelope.rcpt_tos),
        "headers": [[name, str(value)] for name, value in message.items()],
        "subject": None if subject is None else str(subject),
        "text": part_text(message, "plain"),
        "html": part_text(message, "html"),
        "raw": raw.decode("utf-8", errors="replace"),
        "tls": tls,
        "content_types": [part.get_content_type() for part in message.walk()],
    }


def refusal(code):
    if code < 500:
        return f"{code} 4.3.0 try again later"
    return f"{code} 5.7.1 refused"


class Sink:
    """aiosmtpd's handler: refuses or keeps each message at the end of DATA."""

    def __init__(self, args):
        self.dir = args.dir
        self.refuse_first = args.refuse_first
        self.refuse_always = args.refuse_always
        self.refuse_code = args.refuse_code
        self.accepted = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_always or self.refused < self.refuse_first:
            self.refused += 1
            write_atomically(os.path.join(self.dir, "refused"), str(self.refused))
            return refusal(self.refuse_code)
        record = describe(envelope, tls=session.ssl is not None)
        self.accepted += 1
        path = os.path.join(self.dir, f"{self.accepted:04}.json")
        write_atomically(path, json.dumps(record, ensure_ascii=False))
        return "250 2.0.0 OK"


def tls_context(args):
    if args.tls_cert is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    if args.client_ca is not None:
        context.load_verify_locations(cafile=args.client_ca)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


async def until_stdin_closes(loop):
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.read(4096):
        pass


async def serve(args):
    loop = asyncio.get_running_loop()
    handler = Sink(args)
    context = tls_context(args)
    server = await loop.create_server(
        # hostname: the banner's name; the default asks the resolver for this machine's.
        lambda: SMTP(
            handler,
            hostname="localhost",
            tls_context=context,
            require_starttls=context is not None,
            loop=loop,
        ),
        host="127.0.0.1",
        port=0,
    )
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    stdin_closed = loop.create_task(until_stdin_closes(loop))
    print(f"ready {server.sockets[0].getsockname()[1]}", flush=True)
    await asyncio.wait([stop, stdin_closed], return_when=asyncio.FIRST_COMPLETED)
    stdin_closed.cancel()
    server.close()


def main():
    parser = argparse.ArgumentParser(description="An SMTP sink for telederm's tests.")
    parser.add_argument("--dir", required=True, help="where accepted messages are written")
    parser.add_argument("--refuse-first", type=int, default=0, metavar="N")
    parser.add_argument("--refuse-always", action="store_true")
    parser.add_argument("--refuse-code", type=int, default=451, choices=range(400, 600),
                        metavar="CODE", help="4xx (transient) or 5xx (permanent); default 451")
    parser.add_argument("--tls-cert", metavar="PEM")
    parser.add_argument("--tls-key", metavar="PEM")
    parser.add_argument("--client-ca", metavar="PEM")
    args = parser.parse_args()
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    if args.client_ca is not None and args.tls_cert is None:
        parser.error("--client-ca needs --tls-cert and --tls-key")
    # aiosmtpd warns on every connection that CERT_REQUIRED "might cause client connection
    # problems": that is the point of --client-ca. Failed handshakes are still logged (errors).
    logging.basicConfig(stream=sys.stderr, level=logging.ERROR)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
