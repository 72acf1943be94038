"""A built site served on 127.0.0.1, for a browser on the same machine.

The PDF (bookbuild/pdf.py), the browser tests, the benchmarks and
`scripts/preview.py --serve` open the built pages over HTTP, as a reader does,
rather than from files.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import sys
import threading
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the browser dropped a connection it no longer needed
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path, port: int = 0):
    """Serve `directory` on 127.0.0.1 (`port`, 0: a free one); yield the root URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _Server(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
