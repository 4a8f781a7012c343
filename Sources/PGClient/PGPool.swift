import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A fixed-size pool of PostgreSQL connections with closure-based leases.
///
/// libpq blocks, so every lease body runs on one of the pool's own threads (one per connection), never on
/// a Swift concurrency thread; the awaiting caller is suspended, not blocked. Connections open lazily on
/// first use and re-open by themselves after the server went away, so the pool works whether or not
/// `run()` is ever called, and survives database restarts.
///
/// Statements are never retried: a write whose connection dropped may or may not have committed, and only
/// the caller can know whether repeating it is safe.
public final class PGPool: Service, Sendable {
    private let conninfo: String
    private let acquireTimeout: Duration
    /// The most connections the pool will have.
    public let size: Int
    let logger: Logger
    /// One thread per connection, so a lease holding a connection never waits for a thread.
    private let threads: NIOThreadPool
    private let state: Mutex<PGPoolState>
    private let backoff = PGReconnectBackoff()
    private let tracker = PGServerTracker()

    /// - Parameters:
    ///   - conninfo: a `postgresql://` URL or libpq `key=value` string. Never logged.
    ///   - size: the most connections (and concurrent leases) the pool will have.
    ///   - acquireTimeout: how long a lease waits for a free connection before failing with `.acquireTimeout`.
    public init(conninfo: String, size: Int, acquireTimeout: Duration = .seconds(5), logger: Logger) {
        precondition(size > 0, "a pool needs at least one connection")
        self.conninfo = conninfo
        self.acquireTimeout = acquireTimeout
        self.size = size
        self.logger = logger
        self.threads = NIOThreadPool(numberOfThreads: size)
        self.state = Mutex(PGPoolState(slots: (0..<size).map(PGConnectionSlot.init(number:))))
        threads.start()
    }

    deinit {
        // A pool dropped without close() must not leave its threads behind; its connections close as
        // their slots are freed with it.
        threads.shutdownGracefully { _ in }
    }

    /// Runs until graceful shutdown (or cancellation), then closes every connection. Call it once, from a
    /// `ServiceGroup`; connections are opened on demand, not here.
    public func run() async throws {
        logger.debug("PostgreSQL pool running")
        // Cancellation ends the wait just as graceful shutdown does; either way the pool closes.
        try? await gracefulShutdown()
        await close()
    }

    /// Fails waiting and later leases with `.poolClosed`, waits for running leases to finish, then closes
    /// every connection. Safe to call more than once and concurrently.
    public func close() async {
        let start = state.withLock { $0.beginClose(failingWaitersWith: PGError(.poolClosed)) }
        for waiter in start.waitersToFail {
            waiter.resume(throwing: PGError(.poolClosed))
        }
        guard start.isFirst else {
            await withCheckedContinuation { continuation in
                if state.withLock({ $0.waitForClose(continuation) }) { continuation.resume() }
            }
            return
        }
        await withCheckedContinuation { continuation in
            if state.withLock({ $0.waitForDrain(continuation) }) { continuation.resume() }
        }
        let slots = state.withLock { $0.allSlots }
        // PQfinish talks to the server, so connections are closed on pool threads too (here only if this
        // task was cancelled before a pool thread took the work).
        do {
            try await threads.runIfActive { Self.closeConnections(in: slots) }
        } catch {
            Self.closeConnections(in: slots)
        }
        try? await threads.shutdownGracefully()
        for waiter in state.withLock({ $0.finishClose() }) {
            waiter.resume()
        }
        logger.debug("PostgreSQL pool closed")
    }

    private static func closeConnections(in slots: [PGConnectionSlot]) {
        for slot in slots { slot.connection = nil }
    }

    /// Runs `body` on a pool thread with exclusive use of one connection.
    ///
    /// Throws `.acquireTimeout` when no connection came free in time, `.connectionFailed` when the
    /// connection could not be (re)opened (the next lease tries again), `.poolClosed` after `close()`, and
    /// whatever `body` throws. A transaction `body` leaves open is rolled back.
    public func withConnection<T: Sendable>(
        file: String = #fileID,
        line: Int = #line,
        _ body: @escaping @Sendable (PGConnection) throws -> T
    ) async throws -> T {
        let slot = try await acquire(file: file, line: line)
        defer { release(slot) }
        let conninfo = self.conninfo
        let logger = self.logger
        let backoff = self.backoff
        let tracker = self.tracker
        do {
            return try await threads.runIfActive {
                let connection = try slot.readyConnection(
                    conninfo: conninfo, backoff: backoff, tracker: tracker, logger: logger, file: file, line: line)
                defer { connection.rollbackIfInTransaction() }
                do {
                    return try body(connection)
                } catch let error as PGError where error.isReadOnlyServer {
                    // A session that reached a standby is of no use to a pool for writes: the next lease opens
                    // a new one, which a read-write URL takes to the primary.
                    slot.connection = nil
                    throw error
                }
            }
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw PGError(.poolClosed, file: file, line: line)
        }
    }

    /// Runs `body` inside BEGIN … COMMIT on one connection; any error rolls back and is rethrown.
    public func withTransaction<T: Sendable>(
        file: String = #fileID,
        line: Int = #line,
        _ body: @escaping @Sendable (PGConnection) throws -> T
    ) async throws -> T {
        try await withConnection(file: file, line: line) { connection in
            try connection.transaction(file: file, line: line, body)
        }
    }

    private func acquire(file: String, line: Int) async throws -> PGConnectionSlot {
        switch state.withLock({ $0.acquire() }) {
        case .leased(let slot):
            return slot
        case .closed:
            throw PGError(.poolClosed, file: file, line: line)
        case .wait(let id):
            return try await waitForSlot(id, file: file, line: line)
        }
    }

    private func waitForSlot(_ id: Int, file: String, line: Int) async throws -> PGConnectionSlot {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Task.sleep(for: self.acquireTimeout)
                self.failWaiter(id, with: PGError(.acquireTimeout, file: file, line: line))
            }
            defer { group.cancelAll() }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    if let outcome = state.withLock({ $0.park(waiterID: id, continuation: continuation) }) {
                        continuation.resume(with: outcome)
                    }
                }
            } onCancel: {
                self.failWaiter(id, with: CancellationError())
            }
        }
    }

    /// How many leases wait for a connection, and how many connections are leased: for tests that need a
    /// state reached rather than a guessed delay.
    var waitingLeases: Int { state.withLock { $0.waiterCount } }
    var leasedConnections: Int { state.withLock { $0.leased } }

    private func failWaiter(_ id: Int, with error: any Error) {
        state.withLock { $0.fail(waiterID: id, with: error) }?.resume(throwing: error)
    }

    private func release(_ slot: PGConnectionSlot) {
        switch state.withLock({ $0.release(slot) }) {
        case .none:
            break
        case .handOver(let slot, let waiter):
            waiter.resume(returning: slot)
        case .drained(let closers):
            for closer in closers { closer.resume() }
        }
    }
}
