#!/usr/bin/env python3
"""An S3-protocol server for the tests: moto's server mode, on 127.0.0.1 and a free port.

    python moto_server.py

Requests are served one at a time: moto checks `If-None-Match: *` and then writes, as two
steps, and a real provider's conditional put is atomic; served in turn, moto's is too (the
tests of concurrent puts of one key rely on it).

Prints `ready <port>` on stdout once it accepts connections, then serves until its stdin ends
(the test process holds the other end, so the server never outlives it) or SIGTERM. Every
bucket lives in memory and goes with the process; the tests make one bucket each. When moto is
missing it prints `unavailable: <why>` and exits 3 (telederm-tests then skips, or fails when the
S3 tests are required).
"""

import sys
import threading

try:
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server
except ImportError as error:
    print(f"unavailable: moto[server] is not installed for {sys.executable} ({error})", flush=True)
    sys.exit(3)


def main():
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"ready {server.server_port}", flush=True)
    # Blocks until the test process closes our stdin (or dies).
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
