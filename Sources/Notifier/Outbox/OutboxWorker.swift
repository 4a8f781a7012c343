import ConsentRules
import Logging
import PGClient
import ServiceLifecycle

/// Drains the outbox: claims due messages in batches under a lease, works on up to `concurrency` at once, and
/// records each outcome conditionally on still holding the lease. It wakes on `wakeSignal` (fed by
/// LISTEN/NOTIFY) and also polls, so a lost notification only delays a message by one poll interval.
///
/// Graceful shutdown: messages already handed to the transport finish and are recorded; claimed messages not
/// yet started are released for any worker to take at once.
public struct OutboxWorker: Service {
    public struct Settings: Sendable {
        public var batchSize = 32
        public var concurrency = 4
        public var pollInterval = Duration.seconds(5)
        /// A message still failing transiently this long after it was queued fails for good.
        public var giveUpAfterSeconds: Int64 = 72 * 3600
        /// A message is only started while at least this much of its lease is left, so that no other worker
        /// can take it over mid-send.
        public var sendBudgetSeconds: Int64 = 90

        public init() {}
    }

    let queue: OutboxQueue
    let transport: any MessageTransport
    let webhooks: WebhookTransport
    let settings: Settings
    let wakeSignal: WakeSignal
    let clock: @Sendable () -> Instant
    let logger: Logger

    public init(
        queue: OutboxQueue, transport: any MessageTransport, webhooks: WebhookTransport = WebhookTransport(),
        settings: Settings, wakeSignal: WakeSignal,
        clock: @escaping @Sendable () -> Instant, logger: Logger
    ) {
        self.queue = queue
        self.transport = transport
        self.webhooks = webhooks
        self.settings = settings
        self.wakeSignal = wakeSignal
        self.clock = clock
        self.logger = logger
    }

    var handler: any OutboxMessageHandler { queue.handler }

    public func run() async throws {
        await withGracefulShutdownHandler {
            // Set when a claim failed: it may have been committed all the same, leasing messages to this worker.
            var mayHoldUnknownLeases = false
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let claimed: Int
                do {
                    if mayHoldUnknownLeases {
                        // Between batches this worker has nothing in hand, so every lease it holds is such a one.
                        let released = try await queue.releaseLeases()
                        mayHoldUnknownLeases = false
                        if released > 0 {
                            logger.info(
                                "gave back messages a claim had leased without its answer arriving",
                                metadata: ["count": "\(released)"])
                        }
                    }
                    claimed = try await drainOneBatch()
                } catch {
                    logger.warning("outbox claim failed", metadata: ["error": "\(error)"])
                    mayHoldUnknownLeases = true
                    claimed = 0
                }
                // A full batch means more may be due: claim again before sleeping.
                if claimed < settings.batchSize {
                    await wakeSignal.wait(upTo: settings.pollInterval)
                }
            }
        } onGracefulShutdown: {
            wakeSignal.wake()
        }
    }

    /// Claims one batch and works through it; returns how many messages were claimed.
    @discardableResult
    public func drainOneBatch() async throws -> Int {
        let claimedAt = clock()
        let batch = try await queue.claim(now: claimedAt, limit: settings.batchSize)
        guard !batch.isEmpty else { return 0 }
        let startDeadline = claimedAt.adding(seconds: queue.leaseSeconds - settings.sendBudgetSeconds)
        await withTaskGroup(of: Void.self) { group in
            var next = batch.makeIterator()
            func startNext() -> Bool {
                guard let message = next.next() else { return false }
                group.addTask {
                    let result = await process(message, startDeadline: startDeadline)
                    handler.attemptFinished(message, result: result)
                }
                return true
            }
            for _ in 0..<max(settings.concurrency, 1) where !startNext() { break }
            while await group.next() != nil {
                _ = startNext()
            }
        }
        return batch.count
    }

    func process(_ message: ClaimedMessage, startDeadline: Instant) async -> OutboxAttemptResult {
        if Task.isShuttingDownGracefully || clock() >= startDeadline {
            return await record(message, .released) { try await queue.release(message) }
        }
        let attemptAt = clock()
        let composition: OutboxComposition
        do {
            composition = try await handler.compose(message, attemptAt: attemptAt)
        } catch {
            return await retryOrFail(message, reason: "could not compose the message: \(error)", reply: nil)
        }
        switch composition {
        case .withdraw(let reason):
            return await record(message, .withdrawn) { try await queue.withdraw(message, reason: reason) }
        case .fail(let reason):
            return await fail(message, reason: reason, reply: nil)
        case .send(let outgoing, let evidence):
            let clearance: DeliveryClearance = { [handler, clock] in
                await handler.stillWanted(message, at: clock())
            }
            switch await transport.deliver(outgoing, startBy: startDeadline, clearance: clearance) {
            case nil:
                return await record(message, .released) { try await queue.release(message) }
            case .accepted(let reply):
                let delivery = OutboxQueue.Delivery(
                    sentAt: clock(), serverReply: reply, messageId: outgoing.messageId, recipient: evidence.recipient,
                    subject: evidence.subject, language: evidence.language,
                    bodySHA256: ConsentRules.Digest.sha256Hex(outgoing.bytes))
                return await record(message, .sent) {
                    try await queue.markSent(message, delivery)
                }
            case .permanentFailure(let reply, let reason):
                return await fail(message, reason: reason, reply: reply.isEmpty ? nil : reply)
            case .transientFailure(let reply, let reason):
                return await retryOrFail(message, reason: reason, reply: reply)
            }
        case .post(let post, let evidence):
            switch await webhooks.deliver(post) {
            case .delivered(let status):
                let delivery = OutboxQueue.Delivery(
                    sentAt: clock(), serverReply: "HTTP \(status)",
                    messageId: post.headers.first { $0.0 == "webhook-id" }?.1 ?? message.id.lowercasedString,
                    recipient: evidence.recipient, subject: evidence.subject, language: evidence.language,
                    bodySHA256: ConsentRules.Digest.sha256Hex(post.body))
                return await record(message, .sent) {
                    try await queue.markSent(message, delivery)
                }
            case .retry(let status, let reason, let retryAfter):
                return await retryOrFail(
                    message, reason: reason, reply: status.map { "HTTP \($0)" }, notBeforeSeconds: retryAfter)
            case .gone:
                return await fail(
                    message, reason: "the endpoint answered 410 Gone", reply: "HTTP 410", destinationGone: true)
            case .refused(let reason):
                return await fail(message, reason: reason, reply: nil)
            }
        }
    }

    /// `notBeforeSeconds`: the other side's own `Retry-After`, which a retry never comes earlier than.
    private func retryOrFail(_ message: ClaimedMessage, reason: String, reply: String?, notBeforeSeconds: Int64? = nil)
        async -> OutboxAttemptResult
    {
        let now = clock()
        let giveUpAfter = handler.giveUpAfterSeconds(for: message.kind) ?? settings.giveUpAfterSeconds
        if now >= message.queuedAt.adding(seconds: giveUpAfter) {
            return await fail(message, reason: "gave up after \(message.attempts) attempts: \(reason)", reply: reply)
        }
        let backoff = RetryPolicy.nextAttempt(after: message.attempts, now: now)
        let due = notBeforeSeconds.map { max(backoff, now.adding(seconds: $0)) } ?? backoff
        logger.info(
            "message delivery failed; will retry",
            metadata: ["outbox.id": "\(message.id)", "attempts": "\(message.attempts)", "reason": "\(reason)"])
        return await record(message, .retryScheduled) {
            try await queue.retry(message, at: due, error: reason, reply: reply)
        }
    }

    private func fail(_ message: ClaimedMessage, reason: String, reply: String?, destinationGone: Bool = false)
        async -> OutboxAttemptResult
    {
        let failure = OutboxFailure(reason: reason, at: clock(), destinationGone: destinationGone)
        logger.warning(
            "message failed for good", metadata: ["outbox.id": "\(message.id)", "kind": "\(message.kind)", "reason": "\(reason)"])
        return await record(message, .failed) {
            try await queue.markFailed(message, error: reason, reply: reply) { connection in
                try handler.recordFailed(message, failure, on: connection)
            }
        }
    }

    /// Writes an outcome, trying again for as long as the lease can last if the database is unreachable (through
    /// a failover, say): a message the server accepted but we could not record would otherwise be sent again once
    /// its lease ends. Said at the first failure and every tenth after it.
    private func record(
        _ message: ClaimedMessage, _ result: OutboxAttemptResult, _ write: () async throws -> Bool
    ) async -> OutboxAttemptResult {
        let deadline = ContinuousClock.now + .seconds(queue.leaseSeconds)
        var delay = Duration.milliseconds(200)
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await write() ? result : .lostLease
            } catch {
                let metadata: Logger.Metadata = [
                    "outbox.id": "\(message.id)", "attempt": "\(attempt)", "error": "\(error)",
                ]
                if attempt % 10 == 1 {
                    logger.warning("could not record a message's outcome; trying again", metadata: metadata)
                } else {
                    logger.debug("could not record a message's outcome; trying again", metadata: metadata)
                }
                guard ContinuousClock.now + delay < deadline else { return .lostLease }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, Self.longestRecordWait)
            }
        }
    }

    /// The longest wait between tries at recording an outcome: about how often a failover's end is noticed.
    static let longestRecordWait = Duration.seconds(2)
}
