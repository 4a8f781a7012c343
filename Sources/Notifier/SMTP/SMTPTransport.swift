import CCurl
import ConsentRules
import Foundation
import Logging
import Synchronization

/// Sends email over SMTP with libcurl: STARTTLS required (or smtps), optional AUTH, connect and total
/// timeouts, connections kept open and reused across messages, up to `connections` of them in parallel.
///
/// libcurl's `curl_easy_perform` blocks, so it never runs on a Swift concurrency thread: each connection has a
/// dedicated thread that owns one easy handle (and so one SMTP connection) and takes jobs from a shared queue.
/// Threads start on demand, up to `connections`, and run until ``shutdown()``.
///
/// Logging: the message, the addresses, the credentials and the server's reply text (which often quotes an
/// address) appear only at debug level.
public final class SMTPTransport: Sendable {
    private let configuration: SMTPConfiguration
    private let logger: Logger
    private let queue: SMTPWorkQueue
    /// What start deadlines are compared with: the same clock as the worker that sets them.
    private let clock: @Sendable () -> Instant

    /// Throws ``SMTPConfigurationError`` for an unusable configuration, in particular for
    /// ``SMTPConfiguration/Security/plaintextOnLoopback`` with a host that is not loopback.
    public init(
        configuration: SMTPConfiguration, logger: Logger, clock: @escaping @Sendable () -> Instant = SystemClock.now
    ) throws {
        guard CurlRuntime.prepare() else {
            throw SMTPConfigurationError(.curlUnavailable, context: "curl_global_init failed")
        }
        let configuration = try configuration.validated()
        // Fail now, not at the first message, if libcurl rejects an option (e.g. a build without SMTP or TLS).
        _ = try SMTPCurlHandle(configuration: configuration)
        self.configuration = configuration
        self.logger = logger
        self.queue = SMTPWorkQueue(maximumWorkers: configuration.connections)
        self.clock = clock
    }

    deinit {
        for job in queue.close() {
            job.continuation.resume(returning: Self.shutDownOutcome)
        }
    }

    /// Delivers one message (bytes with CRLF line ends, exactly as they should arrive; libcurl does the SMTP
    /// dot-stuffing). Never throws: every failure is an outcome, transient or permanent. Waits at most about
    /// the total timeout once a connection is free. Cancelling the task before a connection picks the message
    /// up withdraws it (a transient failure); once picked up it runs to its outcome.
    public func send(_ message: [UInt8], envelope: SMTPEnvelope) async -> SMTPOutcome {
        // Without a deadline a message always gets an outcome.
        await send(message, envelope: envelope, startBy: nil) ?? Self.shutDownOutcome
    }

    /// ``send(_:envelope:)`` for a message that must not start after `startBy`: nil, with nothing sent, when no
    /// connection was free for it by then, or when `clearance`, asked on the connection's thread once one is
    /// free, answers false.
    public func send(
        _ message: [UInt8], envelope: SMTPEnvelope, startBy: Instant?, clearance: DeliveryClearance? = nil
    ) async -> SMTPOutcome? {
        guard envelope.isWellFormed else {
            logger.notice("SMTP envelope refused locally: an address is empty or cannot go into an SMTP command")
            return .permanentFailure(
                reply: "", reason: "the envelope has no recipient or an address that cannot be sent over SMTP")
        }
        let id = queue.makeID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<SMTPOutcome?, Never>) in
                if Task.isCancelled {
                    continuation.resume(returning: Self.cancelledOutcome)
                    return
                }
                let job = SMTPJob(
                    id: id, message: message, envelope: envelope, startBy: startBy, clearance: clearance,
                    continuation: continuation)
                switch queue.enqueue(job) {
                case .closed:
                    continuation.resume(returning: Self.shutDownOutcome)
                case .queued(let startWorker):
                    if let startWorker { self.startWorker(number: startWorker) }
                }
            }
        } onCancel: {
            queue.withdraw(id: id)?.continuation.resume(returning: Self.cancelledOutcome)
        }
    }

    /// Stops taking messages, answers the ones still waiting for a connection with a transient failure, lets
    /// the ones being sent finish, closes the connections (QUIT) and returns when every thread has ended.
    public func shutdown() async {
        for job in queue.close() {
            job.continuation.resume(returning: Self.shutDownOutcome)
        }
        await queue.waitForWorkers()
    }

    /// How many SMTP connections this transport has opened so far (tests check reuse with it).
    var connectionsOpened: Int { queue.connectionsOpened }

    /// How many messages are waiting for a free connection.
    var messagesWaiting: Int { queue.waiting }

    /// How many messages a connection is sending right now.
    var messagesInFlight: Int { queue.inFlight }

    static let shutDownOutcome = SMTPOutcome.transientFailure(
        reply: nil, reason: "the SMTP transport shut down before the message was sent")
    static let cancelledOutcome = SMTPOutcome.transientFailure(
        reply: nil, reason: "cancelled before the message was sent")

    private func startWorker(number: Int) {
        let thread = Thread { [queue, configuration, logger, clock] in
            SMTPWorker(number: number, queue: queue, configuration: configuration, clock: clock, logger: logger).run()
        }
        thread.name = "smtp-\(number)"
        thread.start()
    }
}

/// The loop of one connection's thread.
private struct SMTPWorker {
    let number: Int
    let queue: SMTPWorkQueue
    let configuration: SMTPConfiguration
    let clock: @Sendable () -> Instant
    var logger: Logger

    init(
        number: Int, queue: SMTPWorkQueue, configuration: SMTPConfiguration, clock: @escaping @Sendable () -> Instant,
        logger: Logger
    ) {
        self.number = number
        self.queue = queue
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.logger[metadataKey: "smtp.connection"] = "\(number)"
    }

    func run() {
        var openHandle: SMTPCurlHandle?
        while let job = queue.next() {
            if let startBy = job.startBy, clock() > startBy {
                queue.finished()
                job.continuation.resume(returning: nil)
                continue
            }
            if let clearance = job.clearance, !Self.waitFor(clearance) {
                queue.finished()
                job.continuation.resume(returning: nil)
                continue
            }
            let handle: SMTPCurlHandle
            if let openHandle {
                handle = openHandle
            } else {
                do {
                    handle = try SMTPCurlHandle(configuration: configuration)
                    openHandle = handle
                } catch {
                    logger.error("SMTP handle could not be set up", metadata: ["error": "\(error)"])
                    queue.finished()
                    job.continuation.resume(
                        returning: .transientFailure(reply: nil, reason: "libcurl could not be set up: \(error.context)"))
                    continue
                }
            }
            let started = ContinuousClock.now
            let attempt = handle.deliver(job.message, envelope: job.envelope)
            queue.countConnections(attempt.newConnections)
            let outcome = SMTPClassifier.outcome(for: attempt)
            log(outcome, attempt: attempt, envelope: job.envelope, elapsed: ContinuousClock.now - started)
            queue.finished()
            job.continuation.resume(returning: outcome)
        }
        openHandle = nil  // curl_easy_cleanup: QUIT and close, on this thread, before the thread counts as ended
        queue.workerExited()
    }

    /// The clearance's answer, on this connection's own thread (which has nothing else to do meanwhile).
    private static func waitFor(_ clearance: @escaping DeliveryClearance) -> Bool {
        let answer = Atomic<Bool>(false)
        let done = DispatchSemaphore(value: 0)
        Task {
            answer.store(await clearance(), ordering: .releasing)
            done.signal()
        }
        done.wait()
        return answer.load(ordering: .acquiring)
    }

    private func log(_ outcome: SMTPOutcome, attempt: SMTPAttemptResult, envelope: SMTPEnvelope, elapsed: Duration) {
        var metadata: Logger.Metadata = [
            "smtp.reply_code": "\(attempt.responseCode)",
            "smtp.curl_code": "\(attempt.code.rawValue)",
            "smtp.new_connection": "\(attempt.newConnections > 0)",
            "smtp.elapsed_ms": "\(CurlEasyHandle.milliseconds(elapsed))",
        ]
        if logger.logLevel <= .debug {
            var details = metadata
            details["smtp.reply"] = "\(outcome.reply ?? "")"
            details["smtp.from"] = "\(envelope.from)"
            details["smtp.recipients"] = "\(envelope.recipients.joined(separator: ","))"
            logger.debug("SMTP delivery attempt finished", metadata: details)
        }
        switch outcome {
        case .accepted:
            break
        case .transientFailure(_, let reason):
            metadata["smtp.reason"] = "\(reason)"
            let configurationProblems = [
                CURLE_LOGIN_DENIED, CURLE_USE_SSL_FAILED, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            ]
            if configurationProblems.contains(attempt.code) || attempt.responseCode == 530 {
                logger.error("SMTP delivery failed on configuration or TLS; will retry", metadata: metadata)
            } else {
                logger.warning("SMTP delivery deferred; will retry", metadata: metadata)
            }
        case .permanentFailure(_, let reason):
            metadata["smtp.reason"] = "\(reason)"
            logger.notice("SMTP server refused a message permanently", metadata: metadata)
        }
    }
}

/// One message waiting for, or being sent on, a connection.
struct SMTPJob: Sendable {
    let id: UInt64
    let message: [UInt8]
    let envelope: SMTPEnvelope
    /// A job still waiting for a connection at this time is answered nil, unsent.
    let startBy: Instant?
    /// Asked once a connection is free; false answers nil, unsent.
    let clearance: DeliveryClearance?
    let continuation: CheckedContinuation<SMTPOutcome?, Never>
}

/// The jobs waiting for a connection, and the bookkeeping of the worker threads. All state is guarded by one
/// `NSCondition`, on which idle workers wait; that lock is what makes the class safe to share.
final class SMTPWorkQueue: @unchecked Sendable {
    enum EnqueueResult {
        case closed
        /// `startWorker` is the number of a worker thread the caller must start, when none was idle.
        case queued(startWorker: Int?)
    }

    private let condition = NSCondition()
    private let maximumWorkers: Int
    private var jobs: [SMTPJob] = []
    private var head = 0
    private var closed = false
    private var nextID: UInt64 = 0
    private var workers = 0
    private var idleWorkers = 0
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []
    private var openedConnections = 0
    private var running = 0

    init(maximumWorkers: Int) {
        self.maximumWorkers = maximumWorkers
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }

    func makeID() -> UInt64 {
        locked {
            nextID += 1
            return nextID
        }
    }

    func enqueue(_ job: SMTPJob) -> EnqueueResult {
        locked {
            guard !closed else { return .closed }
            jobs.append(job)
            var start: Int?
            if idleWorkers < jobs.count - head, workers < maximumWorkers {
                workers += 1
                start = workers
            }
            condition.signal()
            return .queued(startWorker: start)
        }
    }

    /// Takes a job that no worker has picked up yet out of the queue.
    func withdraw(id: UInt64) -> SMTPJob? {
        locked {
            guard let index = jobs[head...].firstIndex(where: { $0.id == id }) else { return nil }
            return jobs.remove(at: index)
        }
    }

    /// Blocks the calling worker thread until there is a job, or returns nil once the queue is closed.
    func next() -> SMTPJob? {
        condition.lock()
        defer { condition.unlock() }
        while !closed && head == jobs.count {
            idleWorkers += 1
            condition.wait()
            idleWorkers -= 1
        }
        guard !closed else { return nil }
        let job = jobs[head]
        head += 1
        running += 1
        if head > 64, head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    /// Closes the queue and hands back the jobs still waiting, for the caller to answer.
    func close() -> [SMTPJob] {
        locked {
            closed = true
            let waiting = Array(jobs[head...])
            jobs.removeAll()
            head = 0
            condition.broadcast()
            return waiting
        }
    }

    func workerExited() {
        let waiters: [CheckedContinuation<Void, Never>] = locked {
            workers -= 1
            guard workers == 0 else { return [] }
            defer { exitWaiters.removeAll() }
            return exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func waitForWorkers() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done: Bool = locked {
                if workers == 0 { return true }
                exitWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    func countConnections(_ count: Int) {
        locked { openedConnections += count }
    }

    var connectionsOpened: Int { locked { openedConnections } }

    var waiting: Int { locked { jobs.count - head } }

    var inFlight: Int { locked { running } }

    func finished() {
        locked { running -= 1 }
    }
}
