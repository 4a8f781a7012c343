"""Child processes, each stopped by its own PID, short commands run to their end, and bounded waits."""
import dataclasses
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from harness import CheckFailed


@dataclasses.dataclass
class Child:
    name: str
    popen: subprocess.Popen
    log: Path | None

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def log_tail(self, lines=15):
        if self.log is None:
            return []
        try:
            return self.log.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return []


class Processes:
    """Long-running processes, each stopped by its own PID, the last started first. One that has not ended
    `grace` seconds after its SIGTERM is killed, and `on_kill`, when given, is told of it first."""

    def __init__(self, grace=15.0, on_kill=None):
        self.grace = grace
        self._on_kill = on_kill
        self._children = []  # still to be stopped
        self._started = []  # every one, for their logs
        self._lock = threading.Lock()

    def start(self, name, argv, log, env=None, cwd=None, stdout=None):
        """Starts `argv` with its standard error (and output, unless `stdout` is another file) appended to `log`."""
        # A session of its own: Ctrl-C reaches only this script, which then stops everything in order.
        with open(log, "ab") as errors, open(stdout or log, "ab") as output:
            return self.launch(name, argv, log=log, stdin=subprocess.DEVNULL, stdout=output, stderr=errors,
                               env=env, cwd=cwd, start_new_session=True)

    def launch(self, name, argv, log=None, **popen_options):
        """Starts `argv` with any options of subprocess.Popen, as they are given."""
        popen = subprocess.Popen([str(part) for part in argv], **popen_options)
        child = Child(name, popen, Path(log) if log else None)
        with self._lock:
            self._children.append(child)
            self._started.append(child)
        return child

    def stop(self, child, grace=None):
        """SIGTERM, and SIGKILL if it has not ended within `grace` seconds (else the owner's)."""
        if child.alive():
            child.popen.send_signal(signal.SIGTERM)
            try:
                child.popen.wait(self.grace if grace is None else grace)
            except subprocess.TimeoutExpired:
                if self._on_kill:
                    self._on_kill(child)
                child.popen.kill()
                child.popen.wait(10)
        self._forget(child)

    def kill(self, child):
        child.popen.kill()
        child.popen.wait(10)
        self._forget(child)

    def stop_all(self):
        with self._lock:
            children = list(reversed(self._children))
        for child in children:
            self.stop(child)

    def everyone(self):
        with self._lock:
            return list(self._started)

    def _forget(self, child):
        with self._lock:
            if child in self._children:
                self._children.remove(child)


def run_tool(argv, timeout, env=None, cwd=None, check=True):
    """Runs a short-lived command to its end (killed when it outlives `timeout`)."""
    result = subprocess.run([str(part) for part in argv], capture_output=True, text=True, timeout=timeout,
                            env=env, cwd=cwd, stdin=subprocess.DEVNULL)
    if check and result.returncode != 0:
        raise CheckFailed("%s exited with %d: %s" % (Path(str(argv[0])).name, result.returncode,
                                                     (result.stderr or result.stdout).strip()[-600:]))
    return result


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def poll_for(condition, timeout, interval=0.2):
    """Polls `condition` until it returns something true, which is returned, or for `timeout` seconds (None)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value or None
        time.sleep(interval)


def wait_until(condition, timeout, what, interval=0.2):
    """As poll_for, but running out of time stops the scenario."""
    value = poll_for(condition, timeout, interval)
    if value is None:
        raise CheckFailed("gave up after %.0f s waiting for %s" % (timeout, what))
    return value
