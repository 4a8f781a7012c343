import ConsentRules
import Foundation
import PGClient

/// The statements the consent routes run, all scoped by merchant.
enum ConsentQueries {
    /// A read with its authentication in one statement: the principal of key hash $1 and, when it exists,
    /// that merchant's consent matching `condition` on $2, with its terms state at instant $3. No principal row
    /// means an unknown or revoked key.
    static func principalAndConsent(where condition: String) -> PGStatement {
        PGStatement(
            """
            WITH principal AS (\(Authenticator.principalSelect))
            SELECT principal.*, \(ConsentRow.selectList(alias: "c")), \(ConsentTermsVersions.columns)
            FROM principal LEFT JOIN consents c ON c.merchant_id = principal.merchant_id AND \(condition)
            \(ConsentTermsVersions.joins(consent: "c", day: localDay))
            """)
    }

    /// The merchant's local date at instant $3, for reads that join the principal.
    private static let localDay = "($3::timestamptz AT TIME ZONE principal.timezone)::date"

    static let readById = principalAndConsent(where: "c.id = $2::uuid")
    /// `readById` for a batch of questions: key hashes $1 and consent ids $2 at instant $3, one row per question
    /// in order; a row without a principal is an unknown or revoked key.
    static let readBatchById = PGStatement(
        """
        SELECT principal.*, \(ConsentRow.selectList(alias: "c")), \(ConsentTermsVersions.columns)
        FROM unnest($1::bytea[], $2::uuid[]) WITH ORDINALITY AS a(key_hash, id, n)
        LEFT JOIN LATERAL (\(Authenticator.principalSelect(keyHash: "a.key_hash"))) principal ON true
        LEFT JOIN consents c ON c.merchant_id = principal.merchant_id AND c.id = a.id
        \(ConsentTermsVersions.joins(consent: "c", day: localDay))
        ORDER BY a.n
        """, planning: .generic)
    static let readByReference = principalAndConsent(where: "c.merchant_reference = $2")
    static let readByRecurrence = principalAndConsent(where: "c.recurrence_id = $2")
    static let byId = PGStatement(
        "SELECT \(ConsentRow.selectList) FROM consents WHERE merchant_id = $1 AND id = $2")
    static let byIdForUpdate = PGStatement(
        "SELECT \(ConsentRow.selectList) FROM consents WHERE merchant_id = $1 AND id = $2 FOR UPDATE")
    static let byReference = PGStatement(
        "SELECT \(ConsentRow.selectList) FROM consents WHERE merchant_id = $1 AND merchant_reference = $2")
    static let retentionMonths = PGStatement(
        "SELECT retention_months FROM merchant_policies WHERE merchant_id = $1 AND version = $2")

    static let activate = PGStatement(
        """
        UPDATE consents
        SET status = 'active', recurrence_id = $3, initial_payment_id = $4, activated_at = $5,
            last_event_seq = $6, last_event_hash = $7, updated_at = $5
        WHERE merchant_id = $1 AND id = $2
        """)

    static let expire = PGStatement(
        """
        UPDATE consents
        SET status = 'expired', retain_until = $3, last_event_seq = $4, last_event_hash = $5, updated_at = $6
        WHERE merchant_id = $1 AND id = $2 AND status = 'pending'
        """)

    /// `$4` now, `$5` the oldest creation time still replayed: an expired record is taken over by the new
    /// request as if the key had never been used.
    static let reserveIdempotencyKey = PGStatement(
        """
        INSERT INTO idempotency_keys (merchant_id, idempotency_key, request_hash, response_status, response_body, created_at)
        VALUES ($1, $2, $3, 0, ''::bytea, $4)
        ON CONFLICT (merchant_id, idempotency_key) DO UPDATE
        SET request_hash = EXCLUDED.request_hash, response_status = 0, response_body = ''::bytea, consent_id = NULL,
            response_key = NULL, created_at = EXCLUDED.created_at
        WHERE idempotency_keys.created_at < $5
        RETURNING 1
        """)
    static let idempotentResponse = PGStatement(
        """
        SELECT request_hash, response_status, response_body, response_key FROM idempotency_keys
        WHERE merchant_id = $1 AND idempotency_key = $2
        """)
    static let completeIdempotencyKey = PGStatement(
        """
        UPDATE idempotency_keys SET response_status = $3, response_body = $4, consent_id = $5, response_key = $6
        WHERE merchant_id = $1 AND idempotency_key = $2
        """)

    static func one(
        _ statement: PGStatement, _ binds: [any PGBindable], keyring: PersonalDataKeyring, on connection: PGConnection
    ) throws -> ConsentRecord? {
        let result = try connection.query(statement, binds)
        return result.rowCount == 0 ? nil : try ConsentRow.decode(result[0], keyring: keyring)
    }

    /// A read's consent: `statement` is one of the `principalAndConsent` reads, run with the key hash and `match`
    /// at `now`; the key is checked for `permission`, and another merchant's or an unknown consent is 404.
    static func readable(
        _ statement: PGStatement, keyHash: [UInt8], match: any PGBindable, now: Instant, permission: Permission,
        keyring: PersonalDataKeyring, on connection: PGConnection
    ) throws -> (ConsentRecord, ConsentTermsState) {
        let result = try connection.query(statement, [keyHash, match, now.rfc3339])
        guard result.rowCount == 1 else { throw APIError.unauthorized }
        return try readable(result[0], permission: permission, keyring: keyring)
    }

    /// The consent and its terms state of a row of principal, consent and terms columns, for a key allowed
    /// `permission`.
    static func readable(_ row: PGRow, permission: Permission, keyring: PersonalDataKeyring) throws
        -> (ConsentRecord, ConsentTermsState)
    {
        var cursor = RowCursor(row)
        guard !cursor.isNullAhead else { throw APIError.unauthorized }
        _ = try Authenticator.principal(from: &cursor, permission: permission)
        guard !cursor.isNullAhead else { throw APIError.consentNotFound }
        let consent = try ConsentRow.decode(&cursor, keyring: keyring)
        return (consent, try ConsentTermsVersions.decode(&cursor))
    }

    /// The caller's principal, checked for `permission`, and its merchant's consent, locked until the transaction
    /// ends: the start of every change to a consent.
    static func lockForChange(
        consentId: UUID, keyHash: [UInt8], permission: Permission, keyring: PersonalDataKeyring,
        on connection: PGConnection
    ) throws -> (Principal, ConsentRecord) {
        let principal = try Authenticator.principal(keyHash: keyHash, on: connection, permission: permission)
        guard
            let consent = try one(
                byIdForUpdate, [principal.merchant.merchantId, consentId], keyring: keyring, on: connection)
        else {
            throw APIError.consentNotFound
        }
        return (principal, consent)
    }
}
