import ConsentRules
import Foundation
import Hummingbird
import PGClient

/// Resolves a request's key to its principal in one indexed query that also brings the merchant's time zone,
/// country and current policy, which most requests need next.
///
/// Keys are never compared in memory: the lookup is by the key's SHA-256 in the unique index on `key_hash`.
/// That lookup is not a timing oracle even though the index compares bytes with early exit: what its timing
/// could reveal is how many leading bytes of the *hash* of the presented key match a stored hash, and the
/// caller cannot choose the bytes of a SHA-256 output, so learning a stored hash prefix gets them no closer
/// to a key (that needs a preimage of a hash over 256 random bits). The cancel-link and cancel-form MACs are
/// checked with `HMAC.isValidAuthenticationCode`, which compares in constant time.
enum Authenticator {
    /// The key's principal, selected by the key's hash ($1). Reads join it to their data in one statement.
    static let principalSelect = principalSelect(keyHash: "$1")

    /// The principal of the key whose hash is the SQL expression `keyHash`.
    static func principalSelect(keyHash: String) -> String {
        """
        SELECT k.key_id, k.role, m.merchant_id, m.country, m.timezone,
               p.version, p.confirmation_business_days, p.notice_days, p.retention_months, p.activation_window_seconds,
               p.increases_by_notice, p.card_reminder_days
        FROM api_keys k
        JOIN merchants m ON m.merchant_id = k.merchant_id
        JOIN LATERAL (
            SELECT * FROM merchant_policies mp WHERE mp.merchant_id = k.merchant_id ORDER BY mp.version DESC LIMIT 1
        ) p ON true
        WHERE k.key_hash = \(keyHash) AND k.revoked_at IS NULL
        """
    }

    static let principalByKeyHash = PGStatement(principalSelect)

    /// The key from the request's headers, hashed; the key itself goes no further than this.
    static func keyHash(of request: Request) throws -> [UInt8] {
        guard let key = APIKey.bearerToken(request.headers[.authorization]) else { throw APIError.unauthorized }
        return APIKey.hash(key)
    }

    /// Runs on a database connection, so that a request's authentication and its work share one lease.
    static func principal(keyHash: [UInt8], on connection: PGConnection, permission: Permission) throws -> Principal {
        let result = try connection.query(principalByKeyHash, [keyHash])
        guard result.rowCount == 1 else { throw APIError.unauthorized }
        var cursor = RowCursor(result[0])
        return try principal(from: &cursor, permission: permission)
    }

    /// The principals of many keys in one statement: one row per hash in $1, in its order, all NULL for a key
    /// that is unknown or revoked.
    static let principalsByKeyHashes = PGStatement(
        """
        SELECT principal.*
        FROM unnest($1::bytea[]) WITH ORDINALITY AS a(key_hash, n)
        LEFT JOIN LATERAL (\(principalSelect(keyHash: "a.key_hash"))) principal ON true
        ORDER BY a.n
        """, planning: .generic)

    /// Per key hash, its principal holding `permission`, or the 401/403 that key gets.
    static func principals(keyHashes: [[UInt8]], on connection: PGConnection, permission: Permission) throws
        -> [Result<Principal, any Error>]
    {
        let result = try connection.query(principalsByKeyHashes, [PGTextArray(keyHashes.map { $0.pgText })])
            .oneRowPerQuestion(asked: keyHashes.count)
        return result.map { row in
            Result {
                var cursor = RowCursor(row)
                guard !cursor.isNullAhead else { throw APIError.unauthorized }
                return try principal(from: &cursor, permission: permission)
            }
        }
    }

    /// Decodes the principal columns of `principalSelect` and checks the permission.
    static func principal(from cursor: inout RowCursor, permission: Permission) throws -> Principal {
        let keyId: UUID = try cursor.next()
        guard let role = Role(rawValue: try cursor.next(String.self)) else { throw APIError.unauthorized }
        let merchantId: String = try cursor.next()
        let country: String = try cursor.next()
        let zoneName: String = try cursor.next()
        let policy = MerchantPolicy(
            version: try cursor.next(), confirmationBusinessDays: try cursor.next(), noticeDays: try cursor.next(),
            retentionMonths: try cursor.next(), activationWindowSeconds: try cursor.next(),
            increasesByNotice: try cursor.next(), cardReminderDays: try cursor.next())
        let principal = Principal(
            keyId: keyId, role: role,
            merchant: MerchantContext(
                merchantId: merchantId, country: country, timeZone: TimeZone(identifier: zoneName) ?? .gmt,
                policy: policy))
        try principal.require(permission)
        return principal
    }
}
