import ConsentRules
import Foundation
import PGClient

/// A merchant as the operator creates it.
struct NewMerchant: Sendable {
    let id: String
    let name: String
    let country: String
    let timeZone: String
    let sender: String
    let supportEmail: String
    /// The language of its printed documents.
    let language: String
    let policy: MerchantPolicy
}

/// Operator-side writes of merchants, their policies and their keys.
enum MerchantStore {
    static let insertMerchant = PGStatement(
        """
        INSERT INTO merchants (merchant_id, name, country, timezone, sender, support_email, language)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (merchant_id) DO NOTHING
        """)
    static let insertPolicy = PGStatement(
        """
        INSERT INTO merchant_policies (merchant_id, version, confirmation_business_days, notice_days, retention_months,
                                       activation_window_seconds, increases_by_notice, card_reminder_days)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """)
    static let insertKey = PGStatement(
        """
        INSERT INTO api_keys (merchant_id, key_id, role, key_hash, key_prefix, label)
        SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM merchants WHERE merchant_id = $1)
        """)
    static let listKeys = PGStatement(
        """
        SELECT key_id, role, key_prefix, coalesce(label, ''), created_at::text, coalesce(revoked_at::text, '')
        FROM api_keys WHERE merchant_id = $1 ORDER BY created_at
        """)
    static let revokeKey = PGStatement(
        "UPDATE api_keys SET revoked_at = now() WHERE merchant_id = $1 AND key_id = $2 AND revoked_at IS NULL")

    static func create(_ merchant: NewMerchant, pool: PGPool) async throws {
        try await pool.withTransaction { connection in
            let inserted = try connection.query(insertMerchant, [
                merchant.id, merchant.name, merchant.country, merchant.timeZone, merchant.sender, merchant.supportEmail,
                merchant.language,
            ])
            guard inserted.affectedRows == 1 else {
                throw ConfigurationError(message: "merchant \(merchant.id) already exists")
            }
            let policy = merchant.policy
            _ = try connection.query(insertPolicy, [
                merchant.id, policy.version, policy.confirmationBusinessDays, policy.noticeDays,
                policy.retentionMonths, policy.activationWindowSeconds, policy.increasesByNotice,
                policy.cardReminderDays,
            ])
        }
    }

    /// Creates a key and returns it; this is the only time the key exists outside its holder's hands.
    static func createKey(merchantId: String, role: Role, label: String?, pool: PGPool) async throws -> (id: UUID, key: String) {
        let key = APIKey.generate()
        let id = UUID()
        try await pool.withConnection { connection in
            let inserted = try connection.query(insertKey, [
                merchantId, id, role.rawValue, APIKey.hash(key), APIKey.displayPrefix(key), label,
            ])
            guard inserted.affectedRows == 1 else { throw ConfigurationError(message: "no merchant \(merchantId)") }
        }
        return (id, key)
    }

    struct KeyListing: Sendable {
        let id: UUID
        let role: String
        let prefix: String
        let label: String
        let createdAt: String
        let revokedAt: String
    }

    static func keys(merchantId: String, pool: PGPool) async throws -> [KeyListing] {
        try await pool.withConnection { connection in
            try connection.query(listKeys, [merchantId]).map { row in
                KeyListing(
                    id: try row.decode(UUID.self, 0), role: try row.decode(String.self, 1),
                    prefix: try row.decode(String.self, 2), label: try row.decode(String.self, 3),
                    createdAt: try row.decode(String.self, 4), revokedAt: try row.decode(String.self, 5))
            }
        }
    }

    static func revokeKey(merchantId: String, keyId: UUID, pool: PGPool) async throws {
        try await pool.withConnection { connection in
            let updated = try connection.query(revokeKey, [merchantId, keyId])
            guard updated.affectedRows == 1 else {
                throw ConfigurationError(message: "no active key \(keyId.lowercased) for merchant \(merchantId)")
            }
        }
    }
}
