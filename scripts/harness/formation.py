"""A pg_auto_failover formation on loopback: a monitor, a primary and a synchronous secondary, each node run by its
own `pg_autoctl run` (as the postgres user when this runs as root) and stopped by its PID.

The monitor's health checks are tightened so that the loss of the primary is acted on within seconds on a shared
machine; the keepers' network partition timeout stays below the monitor's demote timeout, as pg_auto_failover
requires to keep two primaries from ever accepting writes at once.
"""
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from harness import CheckFailed
from harness.cluster import postgres_bin
from harness.processes import free_port, run_tool, wait_until

DATABASE = "consents"
NODES = ("node1", "node2")
# States in which a node is the formation's primary: with its secondary in sync, or alone.
WRITABLE_STATES = ("primary", "wait_primary", "single")
# Monitor settings (milliseconds): a node is unhealthy after about 3 s without answers, and a primary whose keeper
# cannot be reached is given 8 s to have stopped itself before its secondary is promoted.
MONITOR_SETTINGS = {
    "pgautofailover.health_check_period": 1000,
    "pgautofailover.health_check_timeout": 1000,
    "pgautofailover.health_check_max_retries": 1,
    "pgautofailover.health_check_retry_delay": 500,
    "pgautofailover.node_considered_unhealthy_timeout": 3000,
    "pgautofailover.primary_demote_timeout": 8000,
}
# Keeper settings (seconds): a primary cut off from the monitor and its secondary stops accepting writes after 5 s.
KEEPER_SETTINGS = {"timeout.network_partition_timeout": 5}


def as_postgres(argv):
    # initdb and postgres refuse root; setpriv executes the program in place, so its PID is the one started here.
    if os.geteuid() != 0:
        return [str(part) for part in argv]
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + [str(part) for part in argv]


def descendants(pid):
    """Every process below `pid`, from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Formation:
    """The formation in `folder`: `start()` makes and runs it and returns the service's multi-host URL."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.ports = {}
        self.pids = {}
        self.url = None

    # Making and running

    def env(self):
        xdg = self.folder / "xdg"
        return dict(os.environ, XDG_CONFIG_HOME=str(xdg / "config"), XDG_DATA_HOME=str(xdg / "data"),
                    XDG_RUNTIME_DIR=str(xdg / "run"), PGCONNECT_TIMEOUT="5")

    def autoctl(self, *arguments, timeout=180, check=True):
        return run_tool(as_postgres(["pg_autoctl", *arguments]), timeout=timeout, env=self.env(), check=check)

    def start(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        for sub in ("xdg/config", "xdg/data", "xdg/run"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            run_tool(["chown", "-R", "postgres", self.folder], timeout=30)
        self.ports = {name: free_port() for name in ("monitor",) + NODES}
        self._save()
        pg_ctl = postgres_bin() / "pg_ctl"
        self.autoctl("create", "monitor", "--pgdata", self.folder / "monitor", "--pgport", self.ports["monitor"],
                     "--listen", "127.0.0.1", "--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl", "--pgctl", pg_ctl)
        self.run_node("monitor")
        wait_until(lambda: self._monitor_answers(), 60, "the monitor to accept connections")
        for setting in MONITOR_SETTINGS.items():
            self.monitor_sql("ALTER SYSTEM SET %s = %d" % setting)
        self.monitor_sql("SELECT pg_reload_conf()")
        for name in NODES:
            self.autoctl("create", "postgres", "--pgdata", self.folder / name, "--pgport", self.ports[name],
                         "--listen", "127.0.0.1", "--hostname", "127.0.0.1", "--name", name, "--monitor",
                         self.monitor_uri(), "--auth", "trust", "--no-ssl", "--dbname", DATABASE, "--pgctl", pg_ctl,
                         timeout=300)
            for key, value in KEEPER_SETTINGS.items():
                self.autoctl("config", "set", "--pgdata", self.folder / name, key, str(value))
            self.run_node(name)
            if name == NODES[0]:
                self.wait_for_states({name: ("single", "wait_primary", "primary")}, 120)
        self.wait_for_states({NODES[0]: ("primary",), NODES[1]: ("secondary",)}, 180)
        self.url = "postgresql://postgres@%s/%s?target_session_attrs=read-write&connect_timeout=2" % (
            ",".join("127.0.0.1:%d" % self.ports[name] for name in NODES), DATABASE)
        self._save()
        return self.url

    def run_node(self, name):
        """Starts `pg_autoctl run` for a node (again, after a kill), detached from this process's session."""
        log = open(self.folder / (name + ".log"), "ab")
        try:
            popen = subprocess.Popen(as_postgres(["pg_autoctl", "run", "--pgdata", self.folder / name]),
                                     env=self.env(), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     start_new_session=True, close_fds=True)
        finally:
            log.close()
        self.pids[name] = popen.pid
        self._save()
        return popen.pid

    # Reading the monitor

    def monitor_uri(self):
        return "postgres://autoctl_node@127.0.0.1:%d/pg_auto_failover?sslmode=disable" % self.ports["monitor"]

    def monitor_sql(self, text):
        result = run_tool([postgres_bin() / "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
                           "127.0.0.1", "-p", str(self.ports["monitor"]), "-U", "postgres", "-d",
                           "pg_auto_failover", "-c", text], timeout=30, env=self.env(), check=False)
        if result.returncode != 0:
            raise CheckFailed("the monitor refused a query: %s" % result.stderr.strip())
        return result.stdout.strip()

    def _monitor_answers(self):
        try:
            return self.monitor_sql("SELECT 1") == "1"
        except CheckFailed:
            return False

    def states(self):
        """Each node's reported and goal state."""
        rows = self.monitor_sql("SELECT coalesce(json_agg(json_build_array(nodename, reportedstate, goalstate)), "
                                "'[]') FROM pgautofailover.node")
        return {name: (reported, goal) for name, reported, goal in json.loads(rows or "[]")}

    def wait_for_states(self, wanted, timeout):
        """Waits until each named node reports, and is meant to stay in, one of its wanted states."""

        seen = {}

        def reached():
            seen.update(self.states())
            return all(seen.get(name, ("", ""))[0] in allowed and seen[name][1] in allowed
                       for name, allowed in wanted.items())

        try:
            wait_until(reached, timeout, "the formation's states", interval=0.5)
        except CheckFailed:
            raise CheckFailed("the formation did not reach %s within %d s: %s" % (wanted, timeout, seen)) from None

    def primary(self):
        """The node the monitor has as primary (with or without a secondary), or None during a failover."""
        for name, (reported, goal) in self.states().items():
            if reported == goal and reported in WRITABLE_STATES:
                return name
        return None

    # Faults

    def kill_node(self, name):
        """SIGKILL of the node's pg_autoctl and every process below it (its PostgreSQL), as if its machine died."""
        pid = self.pids.get(name)
        if not pid:
            return
        victims = [pid] + descendants(pid)
        for victim in victims:
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for victim in victims:
            wait_until(lambda: not alive(victim), 15, "process %d to die" % victim, interval=0.05)
        self.pids.pop(name, None)
        self._save()

    def wait_until_in_sync(self, timeout=180):
        """Waits until one node is the primary with the other as its synchronous secondary, both settled. A node
        that has just rejoined reports `secondary` before its primary has left `wait_primary`."""
        wanted = ("primary", "secondary")

        def settled():
            states = self.states()
            return sorted(reported for reported, goal in states.values() if reported == goal) == list(wanted)

        wait_until(settled, timeout, "a primary and its secondary, both settled", interval=0.5)

    def switchover(self):
        """A controlled failover (`pg_autoctl perform failover`) of a formation in sync; returns the new primary."""
        self.wait_until_in_sync()
        before = self.primary()
        self.autoctl("perform", "failover", "--pgdata", self.folder / "monitor", "--wait", "120", timeout=180)
        wait_until(lambda: self.primary() not in (None, before), 120, "a new primary after the switchover")
        other = [name for name in NODES if name != self.primary()][0]
        self.wait_for_states({other: ("secondary",)}, 120)
        return self.primary()

    # Stopping

    def stop(self):
        """Stops every node's pg_autoctl by its PID (SIGTERM, which stops its PostgreSQL), the monitor last; kills
        what is left after a grace period. Leaves the folder."""
        self._load()
        order = [name for name in NODES if name in self.pids] + (["monitor"] if "monitor" in self.pids else [])
        for name in order:
            pid = self.pids[name]
            tree = [pid] + descendants(pid)
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and any(alive(member) for member in tree):
                time.sleep(0.1)
            for member in tree:
                if alive(member):
                    try:
                        os.kill(member, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        self.pids = {}
        self._save()

    def remove(self):
        """Stops the formation and removes its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _save(self):
        if self.folder.exists():
            (self.folder / "formation.json").write_text(json.dumps({"ports": self.ports, "pids": self.pids,
                                                                    "url": self.url}))

    def _load(self):
        saved = self.folder / "formation.json"
        if saved.exists():
            data = json.loads(saved.read_text())
            self.ports = data.get("ports", {})
            self.pids = {name: int(pid) for name, pid in data.get("pids", {}).items()}
            self.url = data.get("url")
