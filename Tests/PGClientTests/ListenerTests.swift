import Foundation
import Logging
import PGClient
import TestSupport
import Synchronization
import Testing

/// LISTEN/NOTIFY through `PGListener` against the real test server.
@Suite struct ListenerTests {
    final class WakeCounter: Sendable {
        private let count = Mutex(0)
        func wake() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }

        /// Waits (up to ten seconds, a hang guard) until the count passes `previous`.
        func waitBeyond(_ previous: Int) async throws -> Int {
            for _ in 0..<200 where value <= previous {
                try await Task.sleep(for: .milliseconds(50))
            }
            return value
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "listener-tests")
        logger.logLevel = .critical
        return logger
    }()

    @Test func wakesOnNotifyAndAgainAfterItsSessionIsKilled() async throws {
        let channel = TestDatabase.uniqueName("wake")
        let applicationName = TestDatabase.uniqueName("listener")
        let counter = WakeCounter()
        let listener = PGListener(
            conninfo: try TestDatabase.conninfo(adding: ["application_name": applicationName]), channels: [channel],
            logger: Self.logger
        ) { counter.wake() }
        defer { Task { await listener.stop() } }
        try await TestDatabase.withPool { pool in
            // Once its session listens, the listener wakes its consumer once, whatever was sent before.
            let listening = try await counter.waitBeyond(0)
            try #require(listening == 1, "woken once on listening")
            try await pool.withConnection { try $0.execute("NOTIFY \(channel)") }
            try #require(try await counter.waitBeyond(listening) > listening, "a NOTIFY woke the listener")

            // A notification sent while the session is gone is lost; the listener wakes once when it is back.
            let beforeKill = counter.value
            try await pool.withConnection { connection in
                _ = try connection.query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [applicationName])
            }
            #expect(try await counter.waitBeyond(beforeKill) > beforeKill, "woken after reconnecting")

            let afterReconnect = counter.value
            try await pool.withConnection { try $0.execute("NOTIFY \(channel)") }
            #expect(try await counter.waitBeyond(afterReconnect) > afterReconnect, "the new session listens too")
        }
        await listener.stop()
    }

    @Test func aChannelNameThatIsNotAPlainIdentifierIsRefused() throws {
        let connection = try PGConnection.connect(try TestDatabase.conninfo(), logger: Self.logger)
        #expect(throws: PGError.self) { try connection.listen("x; DROP TABLE t") }
        #expect(throws: PGError.self) { try connection.listen("Upper") }
        try connection.listen("plain_name_1")
    }
}
