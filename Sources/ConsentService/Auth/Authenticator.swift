import ConsentRules
import Foundation
import Hummingbird
import PGClient

/// Resolves a request's key to its principal in one indexed query that also brings the merchant's time zone,
/// country and current policy, which most requests need next.
struct Authenticator: Sendable {
    static let principalByKeyHash = PGStatement(
        """
        SELECT k.key_id, k.role, m.merchant_id, m.country, m.timezone,
               p.version, p.confirmation_business_days, p.notice_days, p.retention_months, p.activation_window_seconds
        FROM api_keys k
        JOIN merchants m ON m.merchant_id = k.merchant_id
        JOIN LATERAL (
            SELECT * FROM merchant_policies mp WHERE mp.merchant_id = k.merchant_id ORDER BY mp.version DESC LIMIT 1
        ) p ON true
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL
        """)

    /// The key from the request's headers, hashed; the key itself goes no further than this.
    static func keyHash(of request: Request) throws -> [UInt8] {
        guard let key = APIKey.bearerToken(request.headers[.authorization]) else { throw APIError.unauthorized }
        return APIKey.hash(key)
    }

    /// Runs on a database connection, so that a request's authentication and its work share one lease.
    static func principal(keyHash: [UInt8], on connection: PGConnection, permission: Permission) throws -> Principal {
        let result = try connection.query(principalByKeyHash, [keyHash])
        guard result.rowCount == 1 else { throw APIError.unauthorized }
        let row = result[0]
        guard let role = Role(rawValue: try row.decode(String.self, 1)) else { throw APIError.unauthorized }
        let zoneName = try row.decode(String.self, 4)
        let principal = Principal(
            keyId: try row.decode(UUID.self, 0),
            role: role,
            merchant: MerchantContext(
                merchantId: try row.decode(String.self, 2),
                country: try row.decode(String.self, 3),
                timeZone: TimeZone(identifier: zoneName) ?? .gmt,
                policy: MerchantPolicy(
                    version: try row.decode(Int.self, 5),
                    confirmationBusinessDays: try row.decode(Int.self, 6),
                    noticeDays: try row.decode(Int.self, 7),
                    retentionMonths: try row.decode(Int.self, 8),
                    activationWindowSeconds: try row.decode(Int.self, 9))))
        try principal.require(permission)
        return principal
    }
}
