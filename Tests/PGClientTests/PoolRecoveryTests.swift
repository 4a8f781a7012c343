import Foundation
import PGClient
import TestSupport
import Testing

@Suite("Pool recovery after the server drops sessions")
struct PoolRecoveryTests {
    /// Backend pids of every connection in the pool: `size` leases held at once, so each slot is used.
    private func backendPids(of pool: PGPool, size: Int) async throws -> Set<Int32> {
        let arrived = Shared(0)
        return try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<size {
                group.addTask {
                    try await pool.withConnection { connection in
                        arrived.withLock { $0 += 1 }
                        let deadline = Date().addingTimeInterval(5)
                        while arrived.value < size, Date() < deadline { usleep(1000) }
                        return try connection.query("SELECT pg_backend_pid()", [])[0].decode(Int32.self, 0)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.insert($1) }
        }
    }

    /// Ends the sessions and waits until their processes are gone.
    private func terminate(_ pids: Set<Int32>, using admin: PGPool) async throws {
        let list = "{" + pids.map(String.init).joined(separator: ",") + "}"
        try await admin.withConnection { connection in
            _ = try connection.query("SELECT pg_terminate_backend(pid, 5000) FROM unnest($1::int[]) AS pid", [list])
        }
    }

    /// Waits for a state, not for a time: the bound only keeps a broken run from hanging, and is generous because
    /// opening a session on a loaded CI machine has taken more than five seconds.
    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func idleConnectionsKilledByTheServerAreReopenedOnTheNextLease() async throws {
        try await TestDatabase.withPool(size: 1) { admin in
            try await TestDatabase.withPool(size: 2) { pool in
                let before = try await backendPids(of: pool, size: 2)
                #expect(before.count == 2)
                try await terminate(before, using: admin)
                let after = try await backendPids(of: pool, size: 2)
                #expect(after.count == 2)
                #expect(after.isDisjoint(with: before))
            }
        }
    }

    @Test func aStatementWhoseSessionIsKilledFailsAsConnectionLost() async throws {
        try await TestDatabase.withPool(size: 1) { admin in
            try await TestDatabase.withPool(size: 1) { pool in
                let pid = Shared<Int32?>(nil)
                let victim = Task {
                    try await pool.withConnection { connection in
                        let own = try connection.query("SELECT pg_backend_pid()", [])[0].decode(Int32.self, 0)
                        pid.withLock { $0 = own }
                        _ = try connection.query("SELECT pg_sleep(30)", [])
                    }
                }
                try await waitUntil { pid.value != nil }
                try await terminate([pid.value ?? 0], using: admin)
                let error = await #expect(throws: PGError.self) { try await victim.value }
                #expect(error?.code == .connectionLost)
                #expect(error?.isConnectionProblem == true)
                #expect(try await pool.withConnection { try $0.query("SELECT 1", [])[0].decode(Int.self, 0) } == 1)
            }
        }
    }

    /// What a restart looks like to the pool: every session ends with a FATAL, new sessions are refused for a
    /// while, then accepted again. A login role switched off and on plays the server, so other tests sharing
    /// the server are not disturbed.
    @Test func thePoolRecoversByItselfWhenTheServerComesBack() async throws {
        let role = TestDatabase.uniqueName("restart_role")
        let password = "pw-" + TestDatabase.uniqueName("x")
        try await TestDatabase.withPool(size: 1) { admin in
            try await admin.withConnection { try $0.execute("CREATE ROLE \(role) LOGIN PASSWORD '\(password)'") }
            let conninfo = try TestDatabase.conninfo(adding: ["user": role, "password": password])
            try await TestDatabase.withPool(size: 2, conninfo: conninfo) { pool in
                #expect(try await pool.withConnection { try $0.query("SELECT current_user", [])[0].decode(String.self, 0) } == role)
                _ = try await backendPids(of: pool, size: 2)

                // "Shut down": refuse new sessions, end the existing ones.
                try await admin.withConnection { connection in
                    try connection.execute("ALTER ROLE \(role) NOLOGIN")
                    _ = try connection.query(
                        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = $1", [role])
                }
                for _ in 0..<3 {
                    let error = await #expect(throws: PGError.self) { try await pool.withConnection { _ in } }
                    #expect(error?.code == .connectionFailed)
                    #expect(error?.isConnectionProblem == true)
                }

                // "Back up": the same pool works again, on every connection.
                try await admin.withConnection { try $0.execute("ALTER ROLE \(role) LOGIN") }
                let pids = try await backendPids(of: pool, size: 2)
                #expect(pids.count == 2)
            }
            try await admin.withConnection { connection in
                _ = try connection.query(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = $1", [role])
                try connection.execute("DROP ROLE \(role)")
            }
        }
    }

    /// A real restart of the server. It disrupts every other test using the server, so it runs only when asked:
    /// set TEST_PG_RESTART_COMMAND (e.g. `pg_ctl -D … restart -m fast -w`) and run this test alone.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TEST_PG_RESTART_COMMAND"] != nil))
    func thePoolSurvivesARealServerRestart() async throws {
        let command = ProcessInfo.processInfo.environment["TEST_PG_RESTART_COMMAND"] ?? ""
        try await TestDatabase.withPool(size: 2) { pool in
            let before = try await backendPids(of: pool, size: 2)
            #expect(ShellCommand.run(command) == 0)
            let after = try await backendPids(of: pool, size: 2)
            #expect(after.count == 2)
            #expect(after.isDisjoint(with: before))
        }
    }
}
