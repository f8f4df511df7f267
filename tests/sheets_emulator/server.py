"""HTTP plumbing: a ThreadingHTTPServer in a background thread that hands requests to the emulator."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .emulator import SheetsEmulator


class Reply:
    def __init__(self, status: int, body: object = None, *, drop: bool = False, raw: bytes | None = None):
        self.status, self.body, self.drop, self.raw = status, body, drop, raw


def make_handler(emu: SheetsEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ESF"

        def setup(self) -> None:
            super().setup()
            # small header/body writes would otherwise wait for delayed ACKs (~40 ms per request)
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                reply = emu.handle(self.command, self.path, dict(self.headers.items()), raw)
            except Exception as exc:  # an emulator bug: answer like Google's 500 so tests see it
                reply = Reply(
                    500, {"error": {"code": 500, "message": f"Emulator error: {exc!r}", "status": "INTERNAL"}}
                )
            if reply.drop:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(2)
                return
            payload = (
                reply.raw
                if reply.raw is not None
                else (
                    b""
                    if reply.body is None
                    else (json.dumps(reply.body, indent=2, ensure_ascii=False) + "\n").encode()
                )
            )
            self.send_response(reply.status)
            if payload:
                self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up (timeout)
                    self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    return Handler


class Server:
    def __init__(self, emu: SheetsEmulator, host: str, port: int):
        self.httpd = ThreadingHTTPServer((host, port), make_handler(emu))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="sheets-emulator", daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
