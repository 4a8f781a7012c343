import Foundation
import Notifier
import PGClient

/// Keeps every stored piece of personal data sealed under the current key: seals rows written before sealing
/// existed (at every start), re-seals rows under older keys (`personal-data reseal`, after a rotation), and
/// counts rows per key (`personal-data status`). Each batch is one short transaction that locks only its rows,
/// so it runs beside live traffic, and several runs at once do each row once.
struct PersonalDataSealing: Sendable {
    let pool: PGPool
    let keyring: PersonalDataKeyring

    static let batchSize = 500

    /// What one kind of row needs to be (re)sealed: how to find a batch of rows to work on and how to store one.
    private struct Target: Sendable {
        let name: String
        /// Locks and returns up to $2 rows: those not sealed at all, or (with $1 set) not sealed under key $1.
        let select: PGStatement
        let update: PGStatement
        let seal: @Sendable (PGRow, PersonalDataKeyring) throws -> [any PGBindable]
    }

    /// Seals what is still stored in the clear; returns the rows sealed per table.
    func sealPlaintext() async throws -> [String: Int] {
        try await run(reseal: false)
    }

    /// Seals everything not sealed under the current key; returns the rows rewritten per table.
    func resealAll() async throws -> [String: Int] {
        try await run(reseal: true)
    }

    private func run(reseal: Bool) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for target in Self.targets {
            var total = 0
            while true {
                let keyring = self.keyring
                let done = try await pool.withTransaction { connection in
                    let rows = try connection.query(
                        target.select, [reseal ? keyring.currentKeyId : nil, Self.batchSize])
                    for row in rows {
                        _ = try connection.query(target.update, try target.seal(row, keyring))
                    }
                    return rows.rowCount
                }
                total += done
                if done < Self.batchSize { break }
            }
            counts[target.name] = total
        }
        return counts
    }

    /// Rows per key id in each table ("plaintext" for rows not yet sealed).
    func status() async throws -> [(table: String, keyId: String, rows: Int)] {
        try await pool.withConnection { connection in
            try connection.query(Self.statusStatement, []).map { row in
                (try row.decode(String.self, 0), try row.decode(String.self, 1), try row.decode(Int.self, 2))
            }
        }
    }

    /// One sealed consent, opened with the configured keys: a start with the wrong key file fails here, in plain
    /// words, instead of on the first read.
    func checkKeysOpenStoredData() async throws {
        let keyring = self.keyring
        try await pool.withConnection { connection in
            let sample = try connection.query(Self.sampleStatement, [])
            guard sample.rowCount == 1 else { return }
            let row = sample[0]
            let context = SealingContext.consent(
                merchantId: try row.decode(String.self, 0), consentId: try row.decode(UUID.self, 1))
            let sealed = SealedValue(keyId: try row.decode(String.self, 3), bytes: try row.decode([UInt8].self, 2))
            do {
                _ = try keyring.open(sealed, context: context)
            } catch {
                throw ConfigurationError(
                    message: "the configured personal data keys cannot open the stored data (\(error)); start with the keys it was sealed with")
            }
        }
    }

    private static let sampleStatement = PGStatement(
        """
        SELECT merchant_id, id, personal_data, personal_data_key FROM consents
        WHERE personal_data IS NOT NULL ORDER BY merchant_id DESC, id DESC LIMIT 1
        """)

    private static let statusStatement = PGStatement(
        """
        SELECT 'consents', coalesce(personal_data_key, 'plaintext'), count(*)::int FROM consents GROUP BY 2
        UNION ALL
        SELECT 'outbox', coalesce(recipient_key, 'plaintext'), count(*)::int FROM outbox
        WHERE kind <> 'webhook' AND (recipient IS NOT NULL OR recipient_key IS NOT NULL) GROUP BY 2
        UNION ALL
        SELECT 'idempotency_keys', coalesce(response_key, 'plaintext'), count(*)::int FROM idempotency_keys
        WHERE response_status <> 0 GROUP BY 2
        UNION ALL
        SELECT 'consent_amendments', evidence_key, count(*)::int FROM consent_amendments
        WHERE evidence_key IS NOT NULL GROUP BY 2
        ORDER BY 1, 2
        """)

    private static let targets: [Target] = [consents, outbox, idempotencyKeys, amendments]

    private static let consents = Target(
        name: "consents",
        select: PGStatement(
            """
            SELECT merchant_id, id, personal_data, personal_data_key, consumer_first_name, consumer_last_name,
                   consumer_email, consumer_phone, communication_address, ip_address, user_agent
            FROM consents
            WHERE personal_data IS NULL OR ($1::text IS NOT NULL AND personal_data_key <> $1)
            LIMIT $2 FOR UPDATE
            """),
        update: PGStatement(
            """
            UPDATE consents SET personal_data = $3, personal_data_key = $4, consumer_first_name = NULL,
                consumer_last_name = NULL, consumer_email = NULL, consumer_phone = NULL, communication_address = NULL,
                ip_address = NULL, user_agent = NULL
            WHERE merchant_id = $1 AND id = $2
            """),
        seal: { row, keyring in
            var cursor = RowCursor(row)
            let merchantId: String = try cursor.next()
            let id: UUID = try cursor.next()
            let context = SealingContext.consent(merchantId: merchantId, consentId: id)
            let sealedBytes: [UInt8]? = try cursor.next()
            let keyId: String? = try cursor.next()
            let plaintext: [UInt8]
            if let sealedBytes, let keyId {
                plaintext = try keyring.open(SealedValue(keyId: keyId, bytes: sealedBytes), context: context)
            } else {
                plaintext = ConsumerPersonalData(
                    firstName: try cursor.next(), lastName: try cursor.next(), email: try cursor.next(),
                    phone: try cursor.next(), communicationAddress: try cursor.next(), ipAddress: try cursor.next(),
                    userAgent: try cursor.next()
                ).encoded()
            }
            let sealed = keyring.seal(plaintext, context: context)
            return [merchantId, id, sealed.bytes, sealed.keyId]
        })

    private static let outbox = Target(
        name: "outbox",
        select: OutboxQueue.recipientsToSealStatement,
        update: OutboxQueue.sealRecipientStatement,
        seal: { row, keyring in
            var cursor = RowCursor(row)
            let merchantId: String = try cursor.next()
            let id: UUID = try cursor.next()
            let context = SealingContext.message(merchantId: merchantId, outboxId: id)
            guard
                let address = try MessageRecipient.open(
                    plain: try cursor.next(), sealed: try cursor.next(), keyId: try cursor.next(), context: context,
                    keyring: keyring)
            else { throw StoredDataError(column: "outbox.recipient") }
            let sealed = keyring.seal(Array(address.utf8), context: context)
            return [merchantId, id, sealed.bytes, sealed.keyId]
        })

    private static let idempotencyKeys = Target(
        name: "idempotency_keys",
        select: PGStatement(
            """
            SELECT merchant_id, idempotency_key, response_body, response_key FROM idempotency_keys
            WHERE response_status <> 0 AND (response_key IS NULL OR ($1::text IS NOT NULL AND response_key <> $1))
            LIMIT $2 FOR UPDATE
            """),
        update: PGStatement(
            """
            UPDATE idempotency_keys SET response_body = $3, response_key = $4
            WHERE merchant_id = $1 AND idempotency_key = $2
            """),
        seal: { row, keyring in
            var cursor = RowCursor(row)
            let merchantId: String = try cursor.next()
            let key: String = try cursor.next()
            let context = SealingContext.idempotentResponse(merchantId: merchantId, key: key)
            let body: [UInt8] = try cursor.next()
            let keyId: String? = try cursor.next()
            let plaintext = try keyId.map { try keyring.open(SealedValue(keyId: $0, bytes: body), context: context) } ?? body
            let sealed = keyring.seal(plaintext, context: context)
            return [merchantId, key, sealed.bytes, sealed.keyId]
        })

    /// An agreed amendment's evidence is sealed from the start; only a new key reseals it.
    private static let amendments = Target(
        name: "consent_amendments",
        select: PGStatement(
            """
            SELECT merchant_id, id, evidence_sealed, evidence_key FROM consent_amendments
            WHERE evidence_sealed IS NOT NULL AND $1::text IS NOT NULL AND evidence_key <> $1
            LIMIT $2 FOR UPDATE
            """),
        update: PGStatement(
            "UPDATE consent_amendments SET evidence_sealed = $3, evidence_key = $4 WHERE merchant_id = $1 AND id = $2"),
        seal: { row, keyring in
            var cursor = RowCursor(row)
            let merchantId: String = try cursor.next()
            let id: UUID = try cursor.next()
            let context = SealingContext.amendment(merchantId: merchantId, amendmentId: id)
            let bytes: [UInt8] = try cursor.next()
            let keyId: String = try cursor.next()
            let sealed = keyring.seal(try keyring.open(SealedValue(keyId: keyId, bytes: bytes), context: context), context: context)
            return [merchantId, id, sealed.bytes, sealed.keyId]
        })
}
