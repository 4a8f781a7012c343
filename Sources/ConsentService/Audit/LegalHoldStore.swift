import ConsentRules
import Foundation
import PGClient

/// Legal holds (CONTRACT.md, "Retention"): a held consent is never purged, whatever its retainUntil. Setting and
/// releasing are events of the consent's history; repeating either changes nothing.
struct LegalHoldStore: Sendable {
    let pool: PGPool
    let clock: AppClock
    let keyring: PersonalDataKeyring

    static let maxReasonLength = 500

    static let update = PGStatement(
        """
        UPDATE consents SET legal_hold = $3, legal_hold_reason = $4, legal_hold_since = $5
        WHERE merchant_id = $1 AND id = $2
        RETURNING legal_hold, legal_hold_reason, \(microseconds("legal_hold_since")), retain_until::text
        """)
    static let current = PGStatement(
        """
        SELECT legal_hold, legal_hold_reason, \(microseconds("legal_hold_since")), retain_until::text
        FROM consents WHERE merchant_id = $1 AND id = $2
        """)

    static func reason(of body: JSONValue) throws -> String {
        guard case .object(let object) = body else { throw APIError.validation("", "The body must be a JSON object.") }
        var errors = object.keys.sorted().filter { $0 != "reason" }.map { FieldError(field: $0, message: "unknown field") }
        var reason: String?
        switch object["reason"] {
        case .string(let text)?:
            if let problem = TextProblems.singleLine(maximumLength: maxReasonLength)(text) {
                errors.append(FieldError(field: "reason", message: problem))
            } else {
                reason = text
            }
        case nil, .null?: errors.append(FieldError(field: "reason", message: "is required"))
        default: errors.append(FieldError(field: "reason", message: "must be a string"))
        }
        guard errors.isEmpty, let reason else { throw APIError.validation(errors) }
        return reason
    }

    /// `reason` nil releases the hold.
    func change(consentId: UUID, reason: String?, keyHash: [UInt8]) async throws -> JSONValue {
        let now = clock.now()
        return try await pool.withTransaction { connection in
            let (principal, consent) = try ConsentQueries.lockForChange(
                consentId: consentId, keyHash: keyHash, permission: .manageLegalHolds, keyring: keyring, on: connection)
            let binds: [any PGBindable] = [consent.merchantId, consent.id]
            let before = try connection.query(Self.current, binds)[0]
            let heldReason: String? = try before.decode(String?.self, 1)
            guard heldReason != reason else { return try Self.json(consentId: consent.id, before) }
            var head = ConsentChainHead(
                merchantId: consent.merchantId, consentId: consent.id, lastEventSeq: consent.lastEventSeq,
                lastEventHash: consent.lastEventHash)
            let after = try connection.query(Self.update, binds + [reason != nil, reason, reason.map { _ in now.rfc3339 }])
            if let reason {
                try head.append("legal_hold.set", data: ["reason": .string(reason)], actor: principal.actor, at: now, on: connection)
            } else {
                try head.append(
                    "legal_hold.released", data: ["reason": .optional(heldReason)], actor: principal.actor, at: now,
                    on: connection)
            }
            return try Self.json(consentId: consent.id, after[0])
        }
    }

    private static func json(consentId: UUID, _ row: PGRow) throws -> JSONValue {
        var cursor = RowCursor(row)
        let held: Bool = try cursor.next()
        let reason: String? = try cursor.next()
        let since = try cursor.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
        let retainUntil: String? = try cursor.next()
        return [
            "consentId": .string(consentId.lowercasedString), "legalHold": .bool(held),
            "reason": .optional(reason), "since": .optional(since?.rfc3339), "retainUntil": .optional(retainUntil),
        ]
    }
}
