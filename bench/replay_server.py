#!/usr/bin/env python3
"""A replay of the Kyrgyz OCDS API over generated pages, for benchmarking `achyk sync`.

    python3 bench/replay_server.py DIR PORT

Serves every release of DIR/*.json (release packages, as `achyk generate` writes them) at
`GET /api/tendering?since=<ISO datetime>&offset=<n>&size=<n>` like the real API: releases with
a date at or after `since` (compared as instants), oldest first, as a release package with
`links.next`. Counts requests and prints the count when stopped.
"""
import bisect
import datetime
import glob
import json
import os
import sys
import urllib.parse
from http.server import HTTPServer, BaseHTTPRequestHandler

directory, port = sys.argv[1], int(sys.argv[2])
releases = []
extensions = []
for path in sorted(glob.glob(os.path.join(directory, "page-*.json"))):
    with open(path, encoding="utf-8") as handle:
        package = json.load(handle)
    if not isinstance(package, dict) or "releases" not in package:
        continue
    extensions = package.get("extensions", extensions)
    releases.extend(package["releases"])


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


releases.sort(key=lambda release: instant(release["date"]))
instants = [instant(release["date"]) for release in releases]
texts = [json.dumps(release, ensure_ascii=False) for release in releases]
requests = 0


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        global requests
        requests += 1
        url = urllib.parse.urlparse(self.path)
        if url.path != "/api/tendering":
            self.send_error(404)
            return
        query = urllib.parse.parse_qs(url.query)
        since = instant(query.get("since", ["1970-01-01T00:00:00+00:00"])[0])
        offset = int(query.get("offset", ["0"])[0])
        size = int(query.get("size", ["100"])[0])
        start = bisect.bisect_left(instants, since) + offset
        chosen = texts[start:start + size]
        next_link = None
        if start + size < len(texts):
            last = releases[start + size - 1]["date"]
            next_link = f"http://127.0.0.1:{port}/api/tendering?since={urllib.parse.quote(last)}&size={size}"
        body = (
            '{"uri":"http://127.0.0.1/api/tendering","version":"1.1","extensions":'
            + json.dumps(extensions)
            + ',"publisher":{"name":"replay"},"publishedDate":"2024-01-01T00:00:00+06:00","releases":['
            + ",".join(chosen)
            + '],"links":'
            + json.dumps({"next": next_link, "prev": None})
            + "}"
        ).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = HTTPServer(("127.0.0.1", port), Handler)
print(f"replaying {len(releases)} releases on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
finally:
    print(f"{requests} requests served", file=sys.stderr)
