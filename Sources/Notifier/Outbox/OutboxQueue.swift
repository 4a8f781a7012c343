import ConsentRules
import Foundation
import PGClient

/// A message a worker holds under its lease.
public struct ClaimedMessage: Sendable {
    public let merchantId: String
    public let id: UUID
    public let consentId: UUID?
    public let kind: String
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
    /// Messages sent at about the same time are recorded in one transaction, with one commit.
    private let sentRecords: StatementBatcher<SentRecord, Bool>

    public init(pool: PGPool, workerId: UUID = UUID(), leaseSeconds: Int64 = 120) {
        self.pool = pool
        self.workerId = workerId
        self.leaseSeconds = leaseSeconds
        sentRecords = StatementBatcher(pool: pool, concurrency: 2, maxBatch: 64) { connection, records in
            Self.recordSent(records, on: connection)
        }
    }

    static let claimStatement = PGStatement(
        """
        WITH due AS MATERIALIZED (
            SELECT merchant_id, id FROM outbox
            WHERE state = 'queued' AND due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
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

    static let sentStatement = PGStatement(
        """
        UPDATE outbox
        SET state = 'sent', sent_at = $4, server_reply = $5, message_id = $6, recipient = $7, subject = $8,
            language = $9, body_sha256 = $10, recipient_sealed = $11, recipient_key = $12,
            lease_owner = NULL, lease_until = NULL
        WHERE merchant_id = $1 AND id = $2 AND lease_owner = $3 AND state = 'queued'
        """)

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

    public func claim(now: Instant, limit: Int) async throws -> [ClaimedMessage] {
        let binds: [any PGBindable] = [now.rfc3339, limit, workerId, now.adding(seconds: leaseSeconds).rfc3339]
        return try await pool.withConnection { connection in
            try connection.query(Self.claimStatement, binds).map { row in
                ClaimedMessage(
                    merchantId: try row.decode(String.self, 0), id: try row.decode(UUID.self, 1),
                    consentId: try row.decode(UUID?.self, 2), kind: try row.decode(String.self, 3),
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

    /// Records a sent message and runs `alongside` in the same transaction, both only while the lease is
    /// still ours. Returns false (and writes nothing) when another worker has taken the message over.
    public func markSent(
        _ message: ClaimedMessage, _ delivery: Delivery,
        alongside: @escaping @Sendable (PGConnection) throws -> Void = { _ in }
    ) async throws -> Bool {
        let (plainRecipient, sealedRecipient, recipientKey): (String?, [UInt8]?, String?) =
            switch delivery.recipient {
            case .plain(let address): (address, nil, nil)
            case .sealed(let bytes, let keyId): (nil, bytes, keyId)
            }
        let binds: [any PGBindable] = [
            message.merchantId, message.id, workerId, delivery.sentAt.rfc3339, delivery.serverReply,
            delivery.messageId, plainRecipient, delivery.subject, delivery.language, delivery.bodySHA256,
            sealedRecipient, recipientKey,
        ]
        return try await sentRecords.answer(SentRecord(binds: binds, alongside: alongside))
    }

    /// One sent message's outbox update and what goes with it.
    struct SentRecord: Sendable {
        let binds: [any PGBindable]
        let alongside: @Sendable (PGConnection) throws -> Void

        /// False, with nothing written, when the lease is no longer ours.
        func write(on connection: PGConnection) throws -> Bool {
            guard try connection.query(OutboxQueue.sentStatement, binds).affectedRows == 1 else { return false }
            try alongside(connection)
            return true
        }
    }

    /// Writes a batch of records in one transaction. If the database refuses any of them (a deadlock with
    /// another writer on one consent, say), each is written again in its own transaction, so that one record's
    /// failure is its own and never another's.
    static func recordSent(_ records: [SentRecord], on connection: PGConnection) -> [Result<Bool, any Error>] {
        if records.count > 1,
            let written = try? connection.transaction({ connection in try records.map { try $0.write(on: connection) } })
        {
            return written.map { .success($0) }
        }
        return records.map { record in Result { try connection.transaction { try record.write(on: $0) } } }
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

    private func update(_ statement: PGStatement, _ message: ClaimedMessage, _ extra: [any PGBindable]) async throws
        -> Bool
    {
        let binds: [any PGBindable] = [message.merchantId, message.id, workerId] + extra
        return try await pool.withConnection { connection in
            try connection.query(statement, binds).affectedRows == 1
        }
    }
}
