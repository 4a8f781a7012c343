import ConsentRules
import Foundation
import Logging
import Notifier
import PGClient
import Synchronization
import TestSupport

/// Composes a small plain-text message for each outbox row, whatever its kind, and remembers what the worker told it.
final class TestMessageHandler: OutboxMessageHandler {
    private let recorded = Mutex<(composed: Int, failed: [UUID], results: [OutboxAttemptResult])>((0, [], []))

    var composed: Int { recorded.withLock { $0.composed } }
    var failed: [UUID] { recorded.withLock { $0.failed } }
    var results: [OutboxAttemptResult] { recorded.withLock { $0.results } }

    static func messageId(for id: UUID) -> String { "\(id.uuidString.lowercased())@worker.test" }

    func compose(_ message: ClaimedMessage, attemptAt: Instant) async throws -> OutboxComposition {
        recorded.withLock { $0.composed += 1 }
        let messageId = Self.messageId(for: message.id)
        let bytes = Array(
            [
                "From: <shop@worker.test>", "To: <consumer@example.org>", "Subject: outbox \(message.id)",
                "Message-ID: <\(messageId)>", "", "attempt \(message.attempts)", "",
            ].joined(separator: "\r\n").utf8)
        return .send(
            OutgoingMessage(
                bytes: bytes, envelope: SMTPEnvelope(from: "shop@worker.test", recipients: ["consumer@example.org"]),
                messageId: messageId),
            evidence: MessageEvidence(recipient: .plain("consumer@example.org"), subject: "outbox", language: "en"))
    }

    func recordSent(_ sent: [OutboxQueue.SentMessage], on connection: PGConnection) throws {}

    func recordFailed(_ message: ClaimedMessage, _ failure: OutboxFailure, on connection: PGConnection) throws {
        recorded.withLock { $0.failed.append(message.id) }
    }

    func attemptFinished(_ message: ClaimedMessage, result: OutboxAttemptResult) {
        recorded.withLock { $0.results.append(result) }
    }
}

/// A clock a test moves by hand.
final class ManualClock: Sendable {
    private let current: Mutex<Instant>
    init(_ start: Instant) { current = Mutex(start) }
    var now: Instant { current.withLock { $0 } }
    func advance(seconds: Int64) { current.withLock { $0 = $0.adding(seconds: seconds) } }
    /// This clock as the notifier's parts take one.
    var reading: @Sendable () -> Instant { { [self] in now } }
}

/// An isolated database with one merchant and `count` test messages due now, and helpers to read them back.
struct WorkerTestDatabase {
    let pool: PGPool
    let merchant = "worker-test"

    static let logger: Logger = {
        var logger = Logger(label: "worker-tests")
        logger.logLevel = .warning
        return logger
    }()

    static func with<T>(_ body: (WorkerTestDatabase, String) async throws -> T) async throws -> T {
        try await IsolatedDatabase.with(migrations: NotifierTestDatabase.packageRoot + "/migrations") { url in
            let pool = PGPool(conninfo: url, size: 4, acquireTimeout: .seconds(60), logger: logger)
            defer { Task { await pool.close() } }
            let database = WorkerTestDatabase(pool: pool)
            try await pool.withConnection { connection in
                _ = try connection.query(
                    """
                    INSERT INTO merchants (merchant_id, name, country, timezone, sender, support_email)
                    VALUES ($1, 'Worker test', 'LT', 'Europe/Vilnius', 'T <shop@worker.test>', 'help@worker.test')
                    """, [database.merchant])
            }
            return try await body(database, url)
        }
    }

    /// Queues `count` messages due at `due`, each a millisecond after the previous, so claims take them in order.
    @discardableResult
    func queue(_ count: Int, dueAt due: Instant) async throws -> [UUID] {
        try await pool.withConnection { connection in
            try connection.query(
                """
                INSERT INTO outbox (merchant_id, id, kind, due_at)
                SELECT $1, gen_random_uuid(), 'confirmation', $2::timestamptz + g * interval '1 millisecond'
                FROM generate_series(1, $3) AS g
                RETURNING id
                """, [merchant, due.rfc3339, count]
            ).map { try $0.decode(UUID.self, 0) }
        }
    }

    struct Row: Sendable {
        let state: String
        let attempts: Int
        let leased: Bool
        let dueAt: Instant
        let lastError: String?
        let serverReply: String?
        let messageId: String?
    }

    func row(_ id: UUID) async throws -> Row {
        try await pool.withConnection { connection in
            let row = try connection.query(
                """
                SELECT state, attempts, lease_owner IS NOT NULL, (extract(epoch FROM due_at) * 1000000)::bigint,
                       last_error, server_reply, message_id
                FROM outbox WHERE id = $1
                """, [id])[0]
            return Row(
                state: try row.decode(String.self, 0), attempts: try row.decode(Int.self, 1),
                leased: try row.decode(Bool.self, 2),
                dueAt: Instant(microsecondsSinceEpoch: try row.decode(Int64.self, 3)),
                lastError: try row.decode(String?.self, 4), serverReply: try row.decode(String?.self, 5),
                messageId: try row.decode(String?.self, 6))
        }
    }

    func states() async throws -> [String: Int] {
        try await pool.withConnection { connection in
            var states: [String: Int] = [:]
            for row in try connection.query("SELECT state, count(*)::int FROM outbox GROUP BY state", []) {
                states[try row.decode(String.self, 0)] = try row.decode(Int.self, 1)
            }
            return states
        }
    }
}

/// Posts each outbox row, whatever its kind, as a signed webhook to `url`; gives up after two hours, as webhooks do.
final class TestWebhookHandler: OutboxMessageHandler {
    let url: String
    private let recorded = Mutex<(failed: [UUID], gone: [UUID], results: [OutboxAttemptResult])>(([], [], []))

    init(url: String) { self.url = url }

    var failed: [UUID] { recorded.withLock { $0.failed } }
    /// The failed messages whose endpoint answered 410.
    var gone: [UUID] { recorded.withLock { $0.gone } }

    func compose(_ message: ClaimedMessage, attemptAt: Instant) async throws -> OutboxComposition {
        let body = Array(#"{"type":"consent.cancelled","id":"\#(message.id.uuidString.lowercased())"}"#.utf8)
        let headers = WebhookSignature.headers(
            id: "msg_\(message.id.uuidString.lowercased())", timestamp: attemptAt.microsecondsSinceEpoch / 1_000_000,
            body: body, key: Array("0123456789abcdef0123456789abcdef".utf8))
        return .post(
            WebhookPost(url: url, body: body, headers: headers),
            evidence: MessageEvidence(recipient: .plain(url), subject: "consent.cancelled", language: nil))
    }

    func recordSent(_ sent: [OutboxQueue.SentMessage], on connection: PGConnection) throws {}

    func recordFailed(_ message: ClaimedMessage, _ failure: OutboxFailure, on connection: PGConnection) throws {
        recorded.withLock {
            $0.failed.append(message.id)
            if failure.destinationGone { $0.gone.append(message.id) }
        }
    }

    func attemptFinished(_ message: ClaimedMessage, result: OutboxAttemptResult) {
        recorded.withLock { $0.results.append(result) }
    }

    func giveUpAfterSeconds(for kind: OutboxKind) -> Int64? { 2 * 3600 }
}
