"""The built book served as a static host serves it: gzip for text, caching headers.

Lighthouse measures what a reader on a phone receives, so the benchmark must not serve the
book uncompressed (Python's ``http.server`` does): GitHub Pages, Netlify and nginx with
``gzip on`` compress HTML, CSS, JavaScript, SVG and JSON, and say how long a file may be
cached. This server does the same, on 127.0.0.1, in a thread; compressed files are kept in
memory so the timing does not include compressing.

Usage: ``python -m benchmarks.static_host [path/to/_build/html] [port]`` serves until Ctrl-C.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import sys
import threading
from pathlib import Path

# The types static hosts compress (nginx's gzip_types as GitHub Pages configures it, roughly).
COMPRESSED_SUFFIXES = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml",
                       ".map", ".ipynb", ".ttf"}
# GitHub Pages' caching header.
CACHE_CONTROL = "max-age=600"


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` that answers ``Accept-Encoding: gzip`` like a static host."""

    cache: dict[Path, tuple[float, bytes]]  # set per server: file -> (mtime, gzip bytes)

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", CACHE_CONTROL)
        super().end_headers()

    def _gzip_bytes(self, path: Path) -> bytes:
        mtime = path.stat().st_mtime
        cached = self.cache.get(path)
        if cached is None or cached[0] != mtime:
            cached = (mtime, gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))
            self.cache[path] = cached
        return cached[1]

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to "folder/"
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts_gzip and path.suffix in COMPRESSED_SUFFIXES and path.is_file()):
            return super().send_head()
        body = self._gzip_bytes(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)


class _Body:
    """What ``send_head`` returns: a readable object ``copyfile`` copies to the socket."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


class StaticHost:
    """``folder`` served with gzip on 127.0.0.1 (``port`` 0: a free one), in a thread."""

    def __init__(self, folder: Path, port: int = 0):
        handler = type("Handler", (GzipHandler,), {"cache": {}})
        handler = functools.partial(handler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    default = Path(os.environ.get("KC_BUILD_ROOT", root)) / "_build" / "html"
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    host = StaticHost(folder, int(sys.argv[2]) if len(sys.argv) > 2 else 8000)
    print(f"serving {folder} at {host.url} (gzip); Ctrl-C stops")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        host.close()
