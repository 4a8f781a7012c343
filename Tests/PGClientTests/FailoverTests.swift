import Foundation
import Logging
import Testing

@testable import PGClient

/// The pool, the listener and the statement batcher on a real pg_auto_failover formation (scripts/ha: monitor,
/// primary, synchronous secondary), through its multi-host read-write URL: each finds the new primary by itself
/// once the old one is gone. scripts/test starts the formation, sets TEST_HA_URL, TEST_HA_DIR and
/// TEST_HA_COMMAND, and runs these alone; they take turns, each leaving a primary and a secondary behind.
/// The formation scripts/test started for these tests, from TEST_HA_URL, TEST_HA_DIR and TEST_HA_COMMAND.
struct FailoverFormation: Sendable {
    let url: String
    let folder: String
    let command: String

    static let current: FailoverFormation? = {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["TEST_HA_URL"], let folder = environment["TEST_HA_DIR"],
            let command = environment["TEST_HA_COMMAND"]
        else { return nil }
        return FailoverFormation(url: url, folder: folder, command: command)
    }()

    /// `scripts/ha VERB [NODE] DIR`; fails the test unless it exits 0. Returns what it printed.
    func run(_ verb: String, node: String? = nil) -> String {
        let words = [command, verb] + (node.map { [$0] } ?? []) + [folder]
        let (status, text) = ShellCommand.output(words.map { "'\($0)'" }.joined(separator: " "))
        #expect(status == 0, "scripts/ha \(verb) exited \(status)")
        return text
    }
}

@Suite(.serialized, .enabled(if: FailoverFormation.current != nil))
struct FailoverTests {
    static let logger: Logger = {
        var logger = Logger(label: "failover-tests")
        logger.logLevel = .critical
        return logger
    }()

    static func server(of pool: PGPool) async throws -> Int {
        try await pool.withConnection { connection in
            let row = try connection.query("SELECT inet_server_port(), pg_is_in_recovery()", [])[0]
            #expect(try row.decode(Bool.self, 1) == false, "the pool's session is on a primary")
            return try row.decode(Int.self, 0)
        }
    }

    /// Repeats `attempt` until it succeeds, for as long as it fails only because the database is away; a bound
    /// keeps a broken failover from hanging the run.
    static func eventually<T: Sendable>(_ attempt: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(90)
        while true {
            do {
                return try await attempt()
            } catch let error as PGError where error.isConnectionProblem && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    @Test func thePoolWritesOnTheNewPrimaryAfterTheOldOneDiesAndLosesNoAcknowledgedWrite() async throws {
        let ha = try #require(FailoverFormation.current)
        let pool = PGPool(conninfo: ha.url, size: 4, logger: Self.logger)
        let table = "failover_writes_\(UInt32.random(in: 0...UInt32.max))"
        try await Self.eventually { try await pool.withConnection { try $0.execute("CREATE TABLE \(table) (n int PRIMARY KEY)") } }
        let before = try await Self.server(of: pool)

        // Writes one after another, each either acknowledged or refused as unavailable, never anything else.
        let acknowledged = Shared<[Int]>([])
        let unexpected = Shared<[String]>([])
        let writer = Task {
            var n = 0
            while !Task.isCancelled {
                n += 1
                let value = n
                do {
                    try await pool.withConnection { _ = try $0.query("INSERT INTO \(table) VALUES ($1)", [value]) }
                    acknowledged.withLock { $0.append(value) }
                } catch let error as PGError where error.isConnectionProblem {
                    try? await Task.sleep(for: .milliseconds(20))
                } catch {
                    unexpected.withLock { $0.append("\(error)") }
                }
            }
        }
        func count() -> Int { acknowledged.value.count }
        while count() < 20 { try await Task.sleep(for: .milliseconds(20)) }
        let killed = ha.run("kill-primary")
        let atKill = count()
        let deadline = ContinuousClock.now + .seconds(90)
        while count() < atKill + 20, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        writer.cancel()
        await writer.value

        #expect(count() >= atKill + 20, "writes were acknowledged again after the primary died")
        #expect(unexpected.value.isEmpty, "\(unexpected.value)")
        let after = try await Self.server(of: pool)
        #expect(after != before, "the pool's sessions moved to the other node")
        let stored = try await pool.withConnection { connection in
            Set(try connection.query("SELECT n FROM \(table)", []).map { try $0.decode(Int.self, 0) })
        }
        let lost = Set(acknowledged.value).subtracting(stored)
        #expect(lost.isEmpty, "acknowledged writes missing on the new primary: \(lost.sorted())")
        try await pool.withConnection { try $0.execute("DROP TABLE \(table)") }
        await pool.close()
        _ = ha.run("run", node: killed)
    }

    @Test func theListenerListensOnTheNewPrimaryAfterASwitchover() async throws {
        let ha = try #require(FailoverFormation.current)
        let channel = "failover_wake"
        let wakes = Shared(0)
        let listener = PGListener(conninfo: ha.url, channels: [channel], logger: Self.logger) {
            wakes.withLock { $0 += 1 }
        }
        let pool = PGPool(conninfo: ha.url, size: 1, logger: Self.logger)
        func wakesBeyond(_ previous: Int) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(60)
            while wakes.value <= previous, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            return wakes.value > previous
        }
        #expect(try await wakesBeyond(0), "woken on listening")
        let beforeSwitchover = wakes.value
        _ = ha.run("switchover")
        // Its session ended with the old primary's demotion; it listens again on the new one and says so once.
        #expect(try await wakesBeyond(beforeSwitchover), "woken on listening again")
        let listening = wakes.value
        try await Self.eventually { try await pool.withConnection { try $0.execute("NOTIFY \(channel)") } }
        #expect(try await wakesBeyond(listening), "a NOTIFY on the new primary reached the listener")
        await listener.stop()
        await pool.close()
    }

    @Test func theBatcherAnswersFromTheNewPrimaryAfterASwitchover() async throws {
        let ha = try #require(FailoverFormation.current)
        let pool = PGPool(conninfo: ha.url, size: 2, logger: Self.logger)
        let batcher = StatementBatcher<Int, Int>(pool: pool, concurrency: 2, maxBatch: 8) { connection, numbers in
            let result = try connection.query(
                "SELECT n * 2 FROM unnest($1::int[]) WITH ORDINALITY AS a(n, i) ORDER BY i",
                [PGTextArray(numbers.map { String($0) })])
            return try (0..<result.rowCount).map { .success(try result[$0].decode(Int.self, 0)) }
        }
        #expect(try await batcher.answer(21) == 42)
        let before = try await Self.server(of: pool)
        _ = ha.run("switchover")
        #expect(try await Self.eventually { try await batcher.answer(50) } == 100)
        #expect(try await Self.server(of: pool) != before)
        await pool.close()
    }
}
