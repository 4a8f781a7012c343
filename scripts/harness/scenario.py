"""One fault scenario's surroundings: its sizes, its printed report, and its folder, cluster and processes."""
import dataclasses
import http.client
import os
import threading

from harness import REPO, CheckFailed
from harness.api import call_once
from harness.cluster import Cluster, Sql
from harness.formation import Formation
from harness.processes import Child, Processes, free_port, run_tool, wait_until

MERCHANT = "faults"
# Environment variables the service reads: cleared for every process started here, so that the caller's
# settings cannot change a scenario.
SERVICE_VARIABLES = {
    "DATABASE_URL", "DATA_DIR", "HOST", "PORT", "DB_POOL_SIZE", "LOG_LEVEL", "MIGRATIONS_DIR", "CALENDARS_DIR",
    "TEMPLATES_DIR", "EXPIRY_SWEEP_SECONDS", "RETENTION_RUN_SECONDS", "PUBLIC_URL", "SMTP_URL", "SMTP_SECURITY",
    "SMTP_CA_FILE", "SMTP_CONNECTIONS", "SMTP_CONNECT_TIMEOUT_SECONDS", "SMTP_TIMEOUT_SECONDS", "OUTBOX_DIR",
    "NOTIFIER_BATCH_SIZE", "NOTIFIER_POLL_SECONDS", "NOTIFIER_LEASE_SECONDS", "OVERDUE_CHECK_SECONDS",
    "WEBHOOK_ALLOW_PRIVATE_DESTINATIONS", "PERSONAL_DATA_KEYS", "PERSONAL_DATA_KEYS_FILE",
}


@dataclasses.dataclass(frozen=True)
class Sizes:
    """How big and how long each scenario is."""
    capture_seconds: float  # capture-kill: load time before the SIGKILL
    notifier_messages: int  # notifier-kill: confirmations queued before the workers start
    notifier_late_messages: int  # notifier-kill: confirmations captured after the SIGKILL
    smtp_fresh: int  # smtp-outage: confirmations captured while the server is gone...
    smtp_overdue: int  # ...and as many more of consents imported past their due day
    smtp_extra_outage_seconds: float  # smtp-outage: down time after every message has failed once
    pg_workers: int  # postgres-restart: load connections
    pg_outage_seconds: float  # postgres-restart: how long the cluster stays down
    failover_workers: int  # primary-failover: load connections, half capturing, half asking validity
    failover_settle_seconds: float  # primary-failover: load time before each kill and after each recovery


SHORT = Sizes(capture_seconds=5, notifier_messages=300, notifier_late_messages=60, smtp_fresh=6, smtp_overdue=4,
              smtp_extra_outage_seconds=0, pg_workers=8, pg_outage_seconds=6, failover_workers=32,
              failover_settle_seconds=2)
# The longer SMTP outage outlasts the first retry (30 s +-20%), so every message queued in it fails twice.
LONG = Sizes(capture_seconds=30, notifier_messages=1500, notifier_late_messages=300, smtp_fresh=40, smtp_overdue=20,
             smtp_extra_outage_seconds=45, pg_workers=16, pg_outage_seconds=20, failover_workers=32,
             failover_settle_seconds=15)


class Report:
    """A scenario's printed checks and the counts of its summary line."""

    _print_lock = threading.Lock()

    def __init__(self, name):
        self.name = name
        self.failures = []
        self.counts = {}
        self.seconds = 0.0

    def say(self, text):
        with self._print_lock:
            print("[%s] %s" % (self.name, text), flush=True)

    def check(self, ok, text):
        self.say(("ok    " if ok else "FAIL  ") + text)
        if not ok:
            self.failures.append(text)
        return ok

    def count(self, **counts):
        self.counts.update(counts)

    def summary(self):
        line = "%-17s %s %4.0f s  %s" % (self.name, "FAIL" if self.failures else "PASS", self.seconds,
                                         " ".join("%s=%s" % item for item in self.counts.items()))
        if self.failures:
            line += "  (%d failed; first: %s)" % (len(self.failures), self.failures[0])
        return line


@dataclasses.dataclass
class Instance:
    """A running `serve`."""
    child: Child
    port: int


class Scenario:
    """One scenario's folder, PostgreSQL cluster (migrated, with one merchant and its API keys) and processes. With
    `formation`, the cluster is a pg_auto_failover formation and the service gets its multi-host URL."""

    def __init__(self, name, binary, folder, formation=False):
        self.name = name
        self.binary = binary
        self.folder = folder
        self.report = Report(name)
        self.processes = Processes()
        self.cluster = Formation(folder / "ha") if formation else Cluster(folder / "pg")
        self.sql = None
        self.personal_data_keys = None
        self.checkout_key = None
        self.admin_key = None

    def open(self):
        self.folder.mkdir(parents=True)
        self.sql = Sql(self.cluster.start())
        self.personal_data_keys = self.cli("personal-data", "new-key", "faults-1").strip()
        self.cli("migrate")
        self.cli("merchants", "create", "--id", MERCHANT, "--name", "Fault Shop", "--country", "LT",
                 "--timezone", "Europe/Vilnius", "--sender", "Fault Shop <shop@faults.example>",
                 "--support-email", "help@faults.example")
        self.checkout_key = self.cli("keys", "create", "--merchant", MERCHANT, "--role", "checkout").strip()
        self.admin_key = self.cli("keys", "create", "--merchant", MERCHANT, "--role", "admin").strip()

    def close(self):
        self.processes.stop_all()
        self.cluster.remove()

    def env(self, **settings):
        env = {name: value for name, value in os.environ.items() if name not in SERVICE_VARIABLES}
        env.update(DATABASE_URL=self.sql.url, HOST="127.0.0.1", LOG_LEVEL="info",
                   DATA_DIR=str(self.folder / "data"), OUTBOX_DIR=str(self.folder / "outbox"),
                   MIGRATIONS_DIR=str(REPO / "migrations"), CALENDARS_DIR=str(REPO / "calendars"),
                   TEMPLATES_DIR=str(REPO / "templates"))
        if self.personal_data_keys:
            env["PERSONAL_DATA_KEYS"] = self.personal_data_keys
        env.update({name: str(value) for name, value in settings.items()})
        return env

    def cli(self, *arguments, check=True):
        result = run_tool([self.binary, *arguments], timeout=120, env=self.env(), cwd=self.folder, check=check)
        return result.stdout if check else result

    def serve(self, name, without_notifier=False, **settings):
        port = free_port()
        argv = [self.binary, "serve"] + (["--without-notifier"] if without_notifier else [])
        child = self.processes.start(name, argv, self.folder / (name + ".log"), env=self.env(PORT=port, **settings),
                                     cwd=self.folder)
        wait_until(lambda: self._ready(child, port), 60, "%s to answer /readyz" % name)
        return Instance(child, port)

    def notifier(self, name, **settings):
        return self.processes.start(name, [self.binary, "notifier"], self.folder / (name + ".log"),
                                    env=self.env(**settings), cwd=self.folder)

    def smtp_server(self, name, maildir, port=0, data_delay=0.0):
        argv = [REPO / "scripts/smtp-test-server", "--port", port, "--maildir", maildir, "--data-delay", data_delay]
        return self._helper(name, argv)

    def webhook_receiver(self, name, folder, replies):
        folder.mkdir(parents=True, exist_ok=True)
        argv = [REPO / "scripts/webhook-test-receiver", "--dir", folder]
        for reply in replies:
            argv += ["--reply", reply]
        return self._helper(name, argv)

    def stop(self, child):
        self.processes.stop(child)

    def kill(self, child):
        self.processes.kill(child)

    def audit_verify(self):
        """Runs `consent-service audit verify`; returns (exit status, its last line)."""
        result = self.cli("audit", "verify", check=False)
        lines = (result.stdout + result.stderr).strip().splitlines()
        return result.returncode, lines[-1] if lines else ""

    def show_logs(self):
        for child in self.processes.everyone():
            self.report.say("last lines of %s (pid %d):" % (child.name, child.pid))
            for line in child.log_tail():
                self.report.say("    " + line)

    def _helper(self, name, argv):
        """Starts a test server that prints "ready PORT" on stdout once it listens; returns it and the port."""
        ready = self.folder / (name + ".out")
        ready.write_text("")
        child = self.processes.start(name, argv, self.folder / (name + ".log"), cwd=self.folder, stdout=ready)

        def port_line():
            if not child.alive():
                raise CheckFailed("%s exited at start: %s" % (name, " | ".join(child.log_tail(5))))
            words = ready.read_text().split()
            return int(words[1]) if len(words) >= 2 and words[0] == "ready" else None

        return child, wait_until(port_line, 30, name + " to listen", interval=0.05)

    @staticmethod
    def _ready(child, port):
        if not child.alive():
            raise CheckFailed("%s exited at start (status %s): %s" % (child.name, child.popen.returncode,
                                                                      " | ".join(child.log_tail(5))))
        try:
            return call_once(port, "GET", "/readyz").status == 200
        except (OSError, http.client.HTTPException):
            return False
