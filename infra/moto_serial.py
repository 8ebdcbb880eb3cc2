"""moto's server, one request at a time.

DynamoDB applies every write atomically, conditional ones included; moto's threaded server does
not lock its in-memory backends, so two concurrent conditional writes can both pass their
condition. The project's concurrency tests (exactly one claim wins, a shared rate window never
overspends) test our use of those guarantees, so the local stand-in must give them too:
connections are still accepted concurrently, but requests are processed under one lock.

Usage: python infra/moto_serial.py HOST PORT
"""

import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


class Serialized:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            # Produce the whole body inside the lock: the write is done when the lock is released.
            return list(self.app(environ, start_response))


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, Serialized(app), threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
