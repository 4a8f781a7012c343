"""A throwaway PostgreSQL cluster (scripts/pg-temp) and queries of its database through psql."""
import json
import os
import shlex
from pathlib import Path

from harness import REPO, CheckFailed
from harness.processes import run_tool, wait_until


def postgres_bin():
    """The newest installed server's programs: the ones scripts/pg-temp makes its clusters with."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name)
                   if path.parent.name.isdigit() else 0)
    if not found:
        raise CheckFailed("no PostgreSQL server programs under /usr/lib/postgresql")
    return found[-1]


def as_cluster_owner(argv):
    # initdb refuses root, so scripts/pg-temp runs the cluster as the postgres user; its pg_ctl must too.
    return ["runuser", "-u", "postgres", "--"] + argv if os.geteuid() == 0 else argv


class Cluster:
    """A throwaway cluster made by scripts/pg-temp, which can also be stopped and started again in place."""

    def __init__(self, folder):
        self.folder = folder
        self.url = None

    def start(self):
        output = run_tool([REPO / "scripts/pg-temp", "start", self.folder], timeout=120).stdout
        self.url = output.strip().splitlines()[-1]
        return self.url

    def remove(self):
        """Stops the server by its PID and removes its folder (scripts/pg-temp stop)."""
        if self.folder.exists():
            run_tool([REPO / "scripts/pg-temp", "stop", self.folder], timeout=60, check=False)

    def stop_server(self):
        run_tool(as_cluster_owner([postgres_bin() / "pg_ctl", "stop", "-D", self.folder / "db", "-m", "fast",
                                   "-w", "-t", "60"]), timeout=90)

    def start_server(self):
        run_tool(as_cluster_owner([postgres_bin() / "pg_ctl", "start", "-D", self.folder / "db", "-l",
                                   self.folder / "server.log", "-w", "-t", "60", "-o", self._server_options()]),
                 timeout=90)

    def _server_options(self):
        # The options of the first start (port, socket folder, listen address), as the server recorded them.
        words = shlex.split((self.folder / "db" / "postmaster.opts").read_text())[1:]
        if "-D" in words:
            at = words.index("-D")
            del words[at:at + 2]
        return shlex.join(words)


class Sql:
    """Queries through psql, each answer as JSON rows."""

    def __init__(self, url):
        self.url = url

    def rows(self, query):
        wrapped = "SELECT coalesce(json_agg(q), '[]'::json) FROM (%s) q" % query
        output = self._psql(wrapped)
        return json.loads(output or "[]")

    def value(self, query):
        rows = self.rows(query)
        return next(iter(rows[0].values())) if rows else None

    def _psql(self, text):
        result = run_tool([postgres_bin() / "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url,
                           "-c", text], timeout=60, env=dict(os.environ, PGCONNECT_TIMEOUT="5"))
        return result.stdout.strip()


def wait_for_sql(sql, query, timeout, what, interval=0.5):
    """Waits until `query` (one value) is true."""
    return wait_until(lambda: sql.value(query), timeout, what, interval)
