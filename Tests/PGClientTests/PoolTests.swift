import Foundation
import PGClient
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
            let holder = Task {
                try await pool.withConnection { _ = try $0.query("SELECT pg_sleep(1.5)", []) }
            }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            let error = await #expect(throws: PGError.self) {
                try await pool.withConnection { _ in }
            }
            let waited = ContinuousClock.now - started
            #expect(error?.code == .acquireTimeout)
            #expect(error?.isConnectionProblem == true)
            #expect(waited >= .milliseconds(250) && waited < .seconds(1))
            try await holder.value
            // The timed-out waiter did not take the connection with it.
            #expect(try await pool.withConnection { try $0.query("SELECT 1", [])[0].decode(Int.self, 0) } == 1)
        }
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        let order = Shared<[Int]>([])
        try await TestDatabase.withPool(size: 1) { pool in
            let holder = Task { try await pool.withConnection { _ = try $0.query("SELECT pg_sleep(0.3)", []) } }
            try await Task.sleep(for: .milliseconds(100))
            var waiters: [Task<Void, any Error>] = []
            for number in 0..<5 {
                waiters.append(Task { try await pool.withConnection { _ in order.withLock { $0.append(number) } } })
                try await Task.sleep(for: .milliseconds(20))
            }
            try await holder.value
            for waiter in waiters { try await waiter.value }
        }
        #expect(order.value == [0, 1, 2, 3, 4])
    }

    @Test func aCancelledWaiterGivesUpWithoutLosingTheConnection() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let holder = Task { try await pool.withConnection { _ = try $0.query("SELECT pg_sleep(0.4)", []) } }
            try await Task.sleep(for: .milliseconds(100))
            let waiter = Task { try await pool.withConnection { _ in 1 } }
            try await Task.sleep(for: .milliseconds(50))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            try await holder.value
            #expect(try await pool.withConnection { _ in 2 } == 2)
        }
    }

    @Test func closeFailsLaterLeasesAndWaitsForRunningOnes() async throws {
        let pool = PGPool(conninfo: try TestDatabase.conninfo(), size: 1, logger: TestDatabase.logger)
        let finished = Shared(false)
        let running = Task {
            try await pool.withConnection { connection in
                _ = try connection.query("SELECT pg_sleep(0.3)", [])
                finished.withLock { $0 = true }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        let waiting = Task { try await pool.withConnection { _ in } }
        try await Task.sleep(for: .milliseconds(50))
        await pool.close()
        #expect(finished.value, "close() returned before the running lease finished")
        try await running.value
        let waiterError = await #expect(throws: PGError.self) { try await waiting.value }
        #expect(waiterError?.code == .poolClosed)
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
    }
}
