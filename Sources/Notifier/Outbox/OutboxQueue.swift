import ConsentRules
import Foundation
import PGClient

/// A message a worker holds under its lease.
public struct ClaimedMessage: Sendable {
    public let merchantId: String
    public let id: UUID
    public let consentId: UUID?
    public let kind: OutboxKind
    public let payload: String
    /// Attempts including this one.
    public let attempts: Int
    public let queuedAt: Instant
}

/// The outbox as a work queue shared by any number of workers in any number of processes. A claim leases due
/// rows in one statement; every later write is conditional on still holding that lease, so a worker whose
/// lease ran out (it died, or stalled) can never overwrite what the worker that took over did.
public struct OutboxQueue: Sendable {
    public let pool: PGPool
    public let workerId: UUID
    public let leaseSeconds: Int64
    /// What the messages mean: it composes them, and records with them what their sending or failure changes.
    public let handler: any OutboxMessageHandler
    /// Messages sent at about the same time are recorded together: one statement marks them all sent, then the
    /// handler writes what goes with them, in one transaction with one commit.
    private let sentRecords: StatementBatcher<SentMessage, Bool>

    public init(pool: PGPool, handler: any OutboxMessageHandler, workerId: UUID = UUID(), leaseSeconds: Int64 = 120) {
        self.pool = pool
        self.handler = handler
        self.workerId = workerId
        self.leaseSeconds = leaseSeconds
        sentRecords = StatementBatcher(pool: pool, concurrency: 2, maxBatch: 64) { connection, sent in
            Self.recordSent(sent, by: workerId, handler: handler, on: connection)
        }
    }

    static let claimStatement = PGStatement(
        """
        WITH due AS MATERIALIZED (
            SELECT merchant_id, id FROM outbox
            WHERE state = 'queued' AND due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
              AND kind = ANY($5::text[])
            ORDER BY due_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED
        )
        UPDATE outbox o SET lease_owner = $3, lease_until = $4, attempts = o.attempts + 1
        FROM due
        WHERE o.merchant_id = due.merchant_id AND o.id = due.id
        RETURNING o.merchant_id, o.id, o.consent_id, o.kind, o.payload::text, o.attempts,
                  (extract(epoch FROM o.created_at) * 1000000)::bigint
        """)

    /// Marks every message of a batch sent (the lease owner in $1, one array element per message in the rest)
    /// and names those it marked: a message whose lease is no longer ours is left as it is.
    ///
    /// Each element locks its row, found by the primary key alone, and keeps it only if it is still leased to
    /// us and queued (`mine`); only those rows are updated. The lock holds that true up to the update. With
    /// the lease and state conditions beside the key instead, a plan made while statistics showed few queued
    /// messages started from the partial index of queued messages and read every one of them for each batch,
    /// milliseconds per batch with a long queue. `LIMIT 1` (the key finds one row at most) keeps the planner
    /// from moving those conditions into the locking scan, where they would offer it that index again.
    static let sentStatement = PGStatement(
        """
        WITH mine AS MATERIALIZED (
            SELECT s.*
            FROM unnest($2::text[], $3::uuid[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[],
                        $9::text[], $10::text[], $11::bytea[], $12::text[])
                AS s(merchant_id, id, sent_at, server_reply, message_id, recipient, subject, language, body_sha256,
                     recipient_sealed, recipient_key)
            CROSS JOIN LATERAL (
                SELECT q.lease_owner, q.state FROM outbox q
                WHERE q.merchant_id = s.merchant_id AND q.id = s.id
                LIMIT 1 FOR UPDATE
            ) held
            WHERE held.lease_owner = $1 AND held.state = 'queued'
        )
        UPDATE outbox o
        SET state = 'sent', sent_at = m.sent_at, server_reply = m.server_reply, message_id = m.message_id,
            recipient = m.recipient, subject = m.subject, language = m.language, body_sha256 = m.body_sha256,
            recipient_sealed = m.recipient_sealed, recipient_key = m.recipient_key,
            lease_owner = NULL, lease_until = NULL
        FROM mine m
        WHERE o.merchant_id = m.merchant_id AND o.id = m.id
        RETURNING o.merchant_id, o.id
        """, planning: .generic)

    static let retryStatement = PGStatement(
        """
        UPDATE outbox SET due_at = $4, last_error = $5, server_reply = $6, lease_owner = NULL, lease_until = NULL
        WHERE merchant_id = $1 AND id = $2 AND lease_owner = $3 AND state = 'queued'
        """)

    static let failedStatement = PGStatement(
        """
        UPDATE outbox SET state = 'failed', last_error = $4, server_reply = $5, lease_owner = NULL, lease_until = NULL
        WHERE merchant_id = $1 AND id = $2 AND lease_owner = $3 AND state = 'queued'
        """)

    static let withdrawnStatement = PGStatement(
        """
        UPDATE outbox SET state = 'withdrawn', last_error = $4, lease_owner = NULL, lease_until = NULL
        WHERE merchant_id = $1 AND id = $2 AND lease_owner = $3 AND state = 'queued'
        """)

    /// Gives a message back untried (graceful shutdown): its attempt does not count.
    static let releaseStatement = PGStatement(
        """
        UPDATE outbox SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
        WHERE merchant_id = $1 AND id = $2 AND lease_owner = $3 AND state = 'queued'
        """)

    /// Gives back every message still leased to this worker, untried. A claim whose answer was lost (the database
    /// went away as it committed) may have leased messages this worker never heard of; without this they would
    /// wait out the whole lease. Only for a worker with nothing in hand.
    static let releaseLeasesStatement = PGStatement(
        """
        UPDATE outbox SET lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
        WHERE lease_owner = $1 AND state = 'queued'
        """)

    /// Claims only kinds this version knows: a message queued by a newer version waits for a worker of that
    /// version instead of failing here.
    public func claim(now: Instant, limit: Int) async throws -> [ClaimedMessage] {
        let binds: [any PGBindable] = [
            now.rfc3339, limit, workerId, now.adding(seconds: leaseSeconds).rfc3339,
            PGTextArray(OutboxKind.allCases.map(\.rawValue)),
        ]
        return try await pool.withConnection { connection in
            try connection.query(Self.claimStatement, binds).map { row in
                let kind = try row.decode(String.self, 3)
                guard let known = OutboxKind(rawValue: kind) else { throw UnknownOutboxKind(kind: kind) }
                return ClaimedMessage(
                    merchantId: try row.decode(String.self, 0), id: try row.decode(UUID.self, 1),
                    consentId: try row.decode(UUID?.self, 2), kind: known,
                    payload: try row.decode(String.self, 4), attempts: try row.decode(Int.self, 5),
                    queuedAt: Instant(microsecondsSinceEpoch: try row.decode(Int64.self, 6)))
            }
        }
    }

    /// What was handed to the server, kept with the message as evidence.
    public struct Delivery: Sendable {
        public let sentAt: Instant
        public let serverReply: String
        public let messageId: String
        public let recipient: StoredRecipient
        public let subject: String
        /// The language the message was written in; nil for a webhook.
        public let language: String?
        public let bodySHA256: String

        public init(
            sentAt: Instant, serverReply: String, messageId: String, recipient: StoredRecipient, subject: String,
            language: String?, bodySHA256: String
        ) {
            self.sentAt = sentAt
            self.serverReply = serverReply
            self.messageId = messageId
            self.recipient = recipient
            self.subject = subject
            self.language = language
            self.bodySHA256 = bodySHA256
        }
    }

    /// A message the server accepted, with what is kept about it.
    public struct SentMessage: Sendable {
        public let message: ClaimedMessage
        public let delivery: Delivery
    }

    /// Records a sent message, with what the handler writes for it, only while the lease is still ours. Returns false (and writes nothing) when another worker has taken the message over.
    public func markSent(_ message: ClaimedMessage, _ delivery: Delivery) async throws -> Bool {
        try await sentRecords.answer(SentMessage(message: message, delivery: delivery))
    }

    /// Writes a batch in one transaction. If the database refuses it (a deadlock with another writer on one
    /// consent, say), each message is written again in its own transaction, so that one message's failure is
    /// its own and never another's.
    static func recordSent(
        _ sent: [SentMessage], by workerId: UUID, handler: any OutboxMessageHandler, on connection: PGConnection
    ) -> [Result<Bool, any Error>] {
        if sent.count > 1,
            let written = try? connection.transaction({ connection in
                try writeSent(sent, by: workerId, handler: handler, on: connection)
            })
        {
            return written.map { .success($0) }
        }
        return sent.map { one in
            Result {
                try connection.transaction { connection in
                    try writeSent([one], by: workerId, handler: handler, on: connection)[0]
                }
            }
        }
    }

    /// Per message, whether it was ours to mark sent.
    private static func writeSent(
        _ sent: [SentMessage], by workerId: UUID, handler: any OutboxMessageHandler, on connection: PGConnection
    ) throws -> [Bool] {
        func column(_ value: (SentMessage) -> String?) -> PGTextArray { PGTextArray(sent.map(value)) }
        let binds: [any PGBindable] = [
            workerId,
            column { $0.message.merchantId }, column { $0.message.id.lowercasedString },
            column { $0.delivery.sentAt.rfc3339 }, column { $0.delivery.serverReply },
            column { $0.delivery.messageId }, column { $0.delivery.recipient.plainAddress },
            column { $0.delivery.subject }, column { $0.delivery.language }, column { $0.delivery.bodySHA256 },
            column { $0.delivery.recipient.sealedBytes?.pgText }, column { $0.delivery.recipient.sealingKeyId },
        ]
        var marked = Set<MessageKey>()
        for row in try connection.query(sentStatement, binds) {
            marked.insert(MessageKey(merchantId: try row.decode(String.self, 0), id: try row.decode(UUID.self, 1)))
        }
        let ours = sent.map { marked.contains(MessageKey(merchantId: $0.message.merchantId, id: $0.message.id)) }
        let recorded = zip(sent, ours).filter { $0.1 }.map { $0.0 }
        if !recorded.isEmpty { try handler.recordSent(recorded, on: connection) }
        return ours
    }

    /// A row of a kind outside ``OutboxKind`` came back from a claim that asks for known kinds only.
    struct UnknownOutboxKind: Error, CustomStringConvertible {
        let kind: String
        var description: String { "the outbox returned a message of unknown kind \(kind)" }
    }

    /// An outbox row's key.
    private struct MessageKey: Hashable {
        let merchantId: String
        let id: UUID
    }

    public func retry(_ message: ClaimedMessage, at due: Instant, error: String, reply: String?) async throws -> Bool {
        try await update(Self.retryStatement, message, [due.rfc3339, error, reply])
    }

    public func markFailed(
        _ message: ClaimedMessage, error: String, reply: String?,
        alongside: @escaping @Sendable (PGConnection) throws -> Void = { _ in }
    ) async throws -> Bool {
        let binds: [any PGBindable] = [message.merchantId, message.id, workerId, error, reply]
        return try await pool.withTransaction { connection in
            guard try connection.query(Self.failedStatement, binds).affectedRows == 1 else { return false }
            try alongside(connection)
            return true
        }
    }

    /// Ends a message unsent because there is nothing left to send it for (its consent is gone or cancelled).
    public func withdraw(_ message: ClaimedMessage, reason: String) async throws -> Bool {
        try await update(Self.withdrawnStatement, message, [reason])
    }

    public func release(_ message: ClaimedMessage) async throws -> Bool {
        try await update(Self.releaseStatement, message, [])
    }

    /// Releases whatever is leased to this worker (see `releaseLeasesStatement`); returns how many messages.
    public func releaseLeases() async throws -> Int {
        let workerId = self.workerId
        return try await pool.withConnection { connection in
            try connection.query(Self.releaseLeasesStatement, [workerId]).affectedRows
        }
    }

    private func update(_ statement: PGStatement, _ message: ClaimedMessage, _ extra: [any PGBindable]) async throws
        -> Bool
    {
        let binds: [any PGBindable] = [message.merchantId, message.id, workerId] + extra
        return try await pool.withConnection { connection in
            try connection.query(statement, binds).affectedRows == 1
        }
    }
}
