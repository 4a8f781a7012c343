import Foundation
@testable import PGClient
import TestSupport
import Testing

@Suite("Pool leases")
struct PoolTests {
    @Test func manyConcurrentLeasesShareFewConnectionsWithoutOverlap() async throws {
        let inUse = Shared<Set<ObjectIdentifier>>([])
        let overlaps = Shared(0)
        let backends = Shared<Set<Int32>>([])
        let statement = PGStatement("SELECT pg_backend_pid(), $1::int")
        let results = try await TestDatabase.withPool(size: 4) { pool in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for lease in 0..<200 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            let id = ObjectIdentifier(connection)
                            if !inUse.withLock({ $0.insert(id).inserted }) { overlaps.withLock { $0 += 1 } }
                            defer { _ = inUse.withLock { $0.remove(id) } }
                            let row = try connection.query(statement, [lease])[0]
                            _ = backends.withLock { $0.insert((try? row.decode(Int32.self, 0)) ?? -1) }
                            usleep(500)
                            return try row.decode(Int.self, 1)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(results.sorted() == Array(0..<200))
        #expect(overlaps.value == 0)
        #expect(backends.value.count <= 4)
        #expect(!backends.value.contains(-1))
    }

    @Test func waitersGetAcquireTimeoutWhenEveryConnectionStaysBusy() async throws {
        try await TestDatabase.withPool(size: 1, acquireTimeout: .milliseconds(300)) { pool in
            // The holder says when it has the connection and keeps it until told to let go, so the test does
            // not depend on how fast a loaded machine schedules it.
            let (held, heldContinuation) = AsyncStream<Void>.makeStream()
            let letGo = DispatchSemaphore(value: 0)
            let holder = Task {
                try await pool.withConnection { _ in
                    heldContinuation.yield()
                    heldContinuation.finish()
                    letGo.wait()  // on the pool's own thread, not a cooperative one
                }
            }
            for await _ in held { break }
            let started = ContinuousClock.now
            let error = await #expect(throws: PGError.self) {
                try await pool.withConnection { _ in }
            }
            let waited = ContinuousClock.now - started
            #expect(error?.code == .acquireTimeout)
            #expect(error?.isConnectionProblem == true)
            // Only the lower bound is a property of the pool; the upper one just catches a waiter left hanging
            // (a loaded machine may be slow to wake it).
            #expect(waited >= .milliseconds(250) && waited < .seconds(60))
            letGo.signal()
            try await holder.value
            // The timed-out waiter did not take the connection with it.
            #expect(try await pool.withConnection { try $0.query("SELECT 1", [])[0].decode(Int.self, 0) } == 1)
        }
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        let order = Shared<[Int]>([])
        try await TestDatabase.withPool(size: 1) { pool in
            let letGo = DispatchSemaphore(value: 0)
            let holder = Task { try await pool.withConnection { _ in letGo.wait() } }
            try await Self.until { pool.leasedConnections == 1 }
            var waiters: [Task<Void, any Error>] = []
            for number in 0..<5 {
                waiters.append(Task { try await pool.withConnection { _ in order.withLock { $0.append(number) } } })
                try await Self.until { pool.waitingLeases == number + 1 }
            }
            letGo.signal()
            try await holder.value
            for waiter in waiters { try await waiter.value }
        }
        #expect(order.value == [0, 1, 2, 3, 4])
    }

    @Test func aCancelledWaiterGivesUpWithoutLosingTheConnection() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let letGo = DispatchSemaphore(value: 0)
            let holder = Task { try await pool.withConnection { _ in letGo.wait() } }
            try await Self.until { pool.leasedConnections == 1 }
            let waiter = Task { try await pool.withConnection { _ in 1 } }
            try await Self.until { pool.waitingLeases == 1 }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            letGo.signal()
            try await holder.value
            #expect(try await pool.withConnection { _ in 2 } == 2)
        }
    }

    @Test func closeFailsLaterLeasesAndWaitsForRunningOnes() async throws {
        let pool = PGPool(conninfo: try TestDatabase.conninfo(), size: 1, logger: TestDatabase.logger)
        let finished = Shared(false)
        // The running lease holds on until told, so the waiter is surely queued behind it however slow the machine.
        let letGo = DispatchSemaphore(value: 0)
        let running = Task {
            try await pool.withConnection { connection in
                _ = try connection.query("SELECT 1", [])
                letGo.wait()
                finished.withLock { $0 = true }
            }
        }
        try await Self.until { pool.leasedConnections == 1 }
        let waiting = Task { try await pool.withConnection { _ in } }
        try await Self.until { pool.waitingLeases == 1 }
        let closing = Task { await pool.close() }
        // close() refuses the waiter at once, and then waits for the lease that is running.
        let waiterError = await #expect(throws: PGError.self) { try await waiting.value }
        #expect(waiterError?.code == .poolClosed)
        #expect(!finished.value)
        letGo.signal()
        await closing.value
        #expect(finished.value, "close() returned before the running lease finished")
        try await running.value
        let laterError = await #expect(throws: PGError.self) { try await pool.withConnection { _ in } }
        #expect(laterError?.code == .poolClosed)
        #expect(laterError?.isConnectionProblem == true)
        await pool.close()  // a second close is harmless
    }

    @Test func runClosesThePoolWhenItsTaskEnds() async throws {
        let pool = PGPool(conninfo: try TestDatabase.conninfo(), size: 2, logger: TestDatabase.logger)
        let service = Task { try await pool.run() }
        #expect(try await pool.withConnection { try $0.query("SELECT 7", [])[0].decode(Int.self, 0) } == 7)
        service.cancel()
        try await service.value
        let error = await #expect(throws: PGError.self) { try await pool.withConnection { _ in } }
        #expect(error?.code == .poolClosed)
    }

    @Test func aPoolThatIsNeverUsedClosesCleanly() async throws {
        let pool = PGPool(conninfo: try TestDatabase.conninfo(), size: 3, logger: TestDatabase.logger)
        await pool.close()
        // It is closed, not merely dropped: a lease after it is refused as such, and a second close returns.
        let error = await #expect(throws: PGError.self) { try await pool.withConnection { _ in } }
        #expect(error?.code == .poolClosed)
        await pool.close()
    }

    /// Waits until `condition` holds: a state, not a guessed delay, orders these tests.
    static func until(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
