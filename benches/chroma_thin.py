"""A chromadb thin client for benches/imports_truth.sh: a stub Chroma server (stdlib only) on a
free local port answers what `chromadb.HttpClient` asks at start-up, a heartbeat, a collection
lookup and a query, so the run goes through the client's real request path.

    benches/imports_truth.sh LAYER 3.11 "exec(open('benches/chroma_thin.py').read())" chromadb
"""

import json, threading, uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

DB = {"id": str(uuid.uuid4()), "name": "default_database", "tenant": "default_tenant"}
COLL = {"id": str(uuid.uuid4()), "name": "docs", "configuration_json": {}, "metadata": None,
        "dimension": 3, "tenant": "default_tenant", "database": "default_database",
        "version": 0, "log_position": 0}

class Stub(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def reply(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        p = self.path
        if p.endswith("/auth/identity"):
            self.reply({"user_id": "", "tenant": "default_tenant", "databases": ["default_database"]})
        elif p.endswith("/heartbeat"):
            self.reply({"nanosecond heartbeat": 1})
        elif "/collections/" in p:
            self.reply(COLL)
        elif p.endswith("/databases/default_database"):
            self.reply(DB)
        elif "/tenants/" in p:
            self.reply({"name": "default_tenant"})
        else:
            self.reply({})
    def do_POST(self):
        n = int(self.headers.get("content-length") or 0)
        self.rfile.read(n)
        if self.path.endswith("/query"):
            self.reply({"ids": [["a"]], "distances": [[0.1]], "documents": [["x"]], "metadatas": [[None]],
                        "embeddings": None, "uris": None, "data": None, "include": ["documents", "metadatas", "distances"]})
        else:
            self.reply({})

server = HTTPServer(("127.0.0.1", 0), Stub)
threading.Thread(target=server.serve_forever, daemon=True).start()

import chromadb  # noqa: E402  (the code under test)

client = chromadb.HttpClient(host="127.0.0.1", port=server.server_port)
client.heartbeat()
result = client.get_collection("docs").query(query_embeddings=[[0.1, 0.2, 0.3]], n_results=1)
assert result["ids"] == [["a"]], result
server.shutdown()
