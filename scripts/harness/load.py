"""Load on a running service from threads of this script: captures (and reads) over many connections, and a
probe asking one path again and again; every answer is kept for the checks."""
import dataclasses
import http.client
import itertools
import threading
import time

from harness import CheckFailed
from harness.api import CLIENT_TIMEOUT, Api, call_once, consent_body, contract_error_code


@dataclasses.dataclass
class Attempt:
    kind: str  # "capture" or "read"
    reference: str
    active: bool
    started: float
    ended: float
    status: int | None  # None: no answer at all
    error_code: str | None  # the contract error body's code, when the answer was one
    problem: str | None  # why there was no answer
    consent_id: str | None
    body: dict | None = None  # a capture's request body, to send again as a client retrying would


class Workers:
    """Threads, each with a keep-alive connection of its own, sending requests until stopped and keeping each as
    an Attempt. Subclasses say what a worker sends in `_work`."""

    def __init__(self, workers, refusal_pause=0.05):
        self.workers = workers
        self.refusal_pause = refusal_pause
        self.attempts = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads = []

    def start(self):
        for worker in range(self.workers):
            thread = threading.Thread(target=self._work, args=(worker,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout=CLIENT_TIMEOUT + 20):
        self._stopping.set()
        self.join(timeout)

    def join(self, timeout):
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if any(thread.is_alive() for thread in self._threads):
            raise CheckFailed("load threads still busy %.0f s after they were told to stop" % timeout)

    def snapshot(self):
        with self._lock:
            return list(self.attempts)

    def _keep(self, attempt):
        if attempt.status is None or attempt.status >= 500:
            # Refusals come back at once: pause as a client would rather than spin on the two shared cores.
            time.sleep(self.refusal_pause)
        with self._lock:
            self.attempts.append(attempt)
        return attempt

    def _work(self, worker):
        raise NotImplementedError


class CaptureLoad(Workers):
    """Worker threads capturing consents with distinct references, each over its own keep-alive connection,
    until stopped or until `total` were asked for. Every other consent is active (paid already), or every one
    with `all_active`. Each worker reads back what it captured when `read_back` is set. Every request is kept
    as an Attempt."""

    def __init__(self, ports, key, workers, prefix, total=None, read_back=False, all_active=False,
                 refusal_pause=0.05):
        super().__init__(workers, refusal_pause)
        self.ports = ports
        self.key = key
        self.prefix = prefix
        self.total = total
        self.read_back = read_back
        self.all_active = all_active
        self._indexes = itertools.count()

    def captured(self):
        """Attempts answered 201."""
        with self._lock:
            return [attempt for attempt in self.attempts if attempt.kind == "capture" and attempt.status == 201]

    def _work(self, worker):
        api = Api(self.ports[worker % len(self.ports)], self.key)
        last = None  # this worker's latest consent answered 201, to read back
        try:
            while not self._stopping.is_set():
                index = next(self._indexes)
                if self.total is not None and index >= self.total:
                    return
                reference = "%s-%06d" % (self.prefix, index)
                attempt = self._attempt(api, "capture", reference, self.all_active or index % 2 == 0)
                last = attempt if attempt.consent_id else last
                if last and self.read_back and not self._stopping.is_set():
                    self._attempt(api, "read", last.reference, last.active, last.consent_id)
        finally:
            api.close()

    def _attempt(self, api, kind, reference, active, consent_id=None):
        started = time.monotonic()
        body = consent_body(reference, active) if kind == "capture" else None
        try:
            if kind == "capture":
                reply = api.call("POST", "/v1/consents", body)
            else:
                reply = api.call("GET", "/v1/consents/" + consent_id)
        except (OSError, http.client.HTTPException) as error:
            attempt = Attempt(kind, reference, active, started, time.monotonic(), None, None,
                              type(error).__name__, consent_id, body)
        else:
            data = reply.json()
            if kind == "capture" and reply.status == 201:
                consent_id = data["id"]
            attempt = Attempt(kind, reference, active, started, time.monotonic(), reply.status,
                              contract_error_code(data), None, consent_id, body)
        return self._keep(attempt)


class ValidityLoad(Workers):
    """Worker threads asking "may I take this debit?" of the given consents over keep-alive connections until
    stopped; every request is kept as an Attempt of kind "validity"."""

    def __init__(self, ports, key, workers, consent_ids, debit_query, refusal_pause=0.05):
        super().__init__(workers, refusal_pause)
        self.ports = ports
        self.key = key
        self.consent_ids = consent_ids
        self.debit_query = debit_query

    def _work(self, worker):
        api = Api(self.ports[worker % len(self.ports)], self.key)
        try:
            for turn in itertools.count(worker):
                if self._stopping.is_set():
                    return
                consent_id = self.consent_ids[turn % len(self.consent_ids)]
                started = time.monotonic()
                try:
                    reply = api.call("GET", "/v1/consents/%s/validity?%s" % (consent_id, self.debit_query))
                except (OSError, http.client.HTTPException) as error:
                    attempt = Attempt("validity", consent_id, True, started, time.monotonic(), None, None,
                                      type(error).__name__, consent_id)
                else:
                    attempt = Attempt("validity", consent_id, True, started, time.monotonic(), reply.status,
                                      contract_error_code(reply.json()), None, consent_id)
                self._keep(attempt)
        finally:
            api.close()


class Probe:
    """Asks one path of a service every `interval` seconds on a thread of its own, keeping every answer."""

    def __init__(self, port, path, interval=0.2):
        self.port = port
        self.path = path
        self.interval = interval
        self.samples = []  # (time, status or None, body as JSON)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self._thread.join(CLIENT_TIMEOUT + 5)

    def between(self, start, end):
        with self._lock:
            return [sample for sample in self.samples if start <= sample[0] <= end]

    def first_ok_after(self, moment):
        with self._lock:
            return next((sample[0] for sample in self.samples if sample[0] >= moment and sample[1] == 200), None)

    def _run(self):
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                reply = call_once(self.port, "GET", self.path)
                sample = (started, reply.status, reply.json())
            except (OSError, http.client.HTTPException):
                sample = (started, None, None)
            with self._lock:
                self.samples.append(sample)
            self._stopping.wait(self.interval)
