import ConsentRules
import Foundation
import Notifier
import PGClient

/// A merchant's webhook endpoints: registered with a new secret (returned once), listed, disabled.
struct WebhookEndpointStore: Sendable {
    let pool: PGPool
    let clock: AppClock
    let allowPrivateDestinations: Bool

    /// Enabled endpoints per merchant: each event is posted to every one of them.
    static let maxEnabledEndpoints = 20

    static let columns = """
        id, url, array_to_string(events, ' '), \(microseconds("created_at")), \(microseconds("disabled_at")),
        disabled_reason
        """
    static let lockMerchant = PGStatement("SELECT 1 FROM merchants WHERE merchant_id = $1 FOR UPDATE")
    static let countEnabled = PGStatement(
        "SELECT count(*)::int FROM webhook_endpoints WHERE merchant_id = $1 AND disabled_at IS NULL")
    static let insert = PGStatement(
        """
        INSERT INTO webhook_endpoints (merchant_id, id, url, events, secret, created_at)
        VALUES ($1, $2, $3, string_to_array($4, ' '), $5, $6)
        """)
    static let list = PGStatement(
        "SELECT \(columns) FROM webhook_endpoints WHERE merchant_id = $1 ORDER BY created_at, id")
    static let disable = PGStatement(
        """
        UPDATE webhook_endpoints
        SET disabled_at = COALESCE(disabled_at, $3), disabled_reason = COALESCE(disabled_reason, $4)
        WHERE merchant_id = $1 AND id = $2
        RETURNING \(columns)
        """)

    static let notFound = APIError(status: .notFound, code: .notFound, message: "No such webhook endpoint.")

    func create(_ input: WebhookEndpointInput, keyHash: [UInt8]) async throws -> JSONValue {
        let principal = try await pool.withConnection { connection in
            try Authenticator.principal(keyHash: keyHash, on: connection, permission: .manageWebhooks)
        }
        // Resolved after authentication, so that no caller without a key can make the service look names up.
        switch await WebhookDestination.resolve(input.url, allowPrivate: allowPrivateDestinations) {
        case .success: break
        case .failure(.notPublic(let address)):
            throw APIError.validation("url", "leads to \(address), which is not a public address")
        case .failure(.unresolvable):
            throw APIError.validation("url", "has a host name that does not resolve")
        case .failure(.unusableURL):
            throw APIError.validation("url", "must be an http:// or https:// URL with a host")
        }
        let secret = WebhookSignature.makeSecret()
        guard let key = WebhookSignature.keyBytes(ofSecret: secret) else {
            throw WebhookSecretError()
        }
        let now = clock.now()
        let id = UUID.v7(at: now)
        let merchantId = principal.merchant.merchantId
        try await pool.withTransaction { connection in
            // Serialises registrations of one merchant, so that the limit holds under concurrent calls.
            _ = try connection.query(Self.lockMerchant, [merchantId])
            let enabled = try connection.query(Self.countEnabled, [merchantId])[0].decode(Int.self, 0)
            guard enabled < Self.maxEnabledEndpoints else {
                throw APIError(
                    status: .conflict, code: .tooManyEndpoints,
                    message: "This merchant already has \(Self.maxEnabledEndpoints) enabled webhook endpoints.")
            }
            _ = try connection.query(Self.insert, [
                merchantId, id, input.url, input.events.map(\.rawValue).joined(separator: " "), key, now.rfc3339,
            ])
        }
        var json = Self.json(
            id: id, url: input.url, events: input.events.map(\.rawValue), createdAt: now, disabledAt: nil,
            disabledReason: nil)
        json["secret"] = .string(secret)
        return .object(json)
    }

    func list(keyHash: [UInt8]) async throws -> JSONValue {
        try await pool.withConnection { connection in
            let principal = try Authenticator.principal(keyHash: keyHash, on: connection, permission: .manageWebhooks)
            let rows = try connection.query(Self.list, [principal.merchant.merchantId])
            return ["endpoints": .array(try rows.map { .object(try Self.json(row: $0)) })]
        }
    }

    /// Idempotent: disabling a disabled endpoint keeps its first time and reason.
    func disable(id: UUID, keyHash: [UInt8]) async throws -> JSONValue {
        let now = clock.now()
        return try await pool.withConnection { connection in
            let principal = try Authenticator.principal(keyHash: keyHash, on: connection, permission: .manageWebhooks)
            let rows = try connection.query(
                Self.disable, [principal.merchant.merchantId, id, now.rfc3339, "disabled by the merchant"])
            guard rows.rowCount == 1 else { throw Self.notFound }
            return .object(try Self.json(row: rows[0]))
        }
    }

    static func json(row: PGRow) throws -> [String: JSONValue] {
        var cursor = RowCursor(row)
        return json(
            id: try cursor.next(), url: try cursor.next(),
            events: try cursor.next(String.self).split(separator: " ").map(String.init),
            createdAt: Instant(microsecondsSinceEpoch: try cursor.next()),
            disabledAt: try cursor.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:)),
            disabledReason: try cursor.next())
    }

    static func json(
        id: UUID, url: String, events: [String], createdAt: Instant, disabledAt: Instant?, disabledReason: String?
    ) -> [String: JSONValue] {
        var json: [String: JSONValue] = [
            "id": .string(id.lowercasedString), "url": .string(url), "events": .array(events.map(JSONValue.string)),
            "status": .string(disabledAt == nil ? "enabled" : "disabled"), "createdAt": .string(createdAt.rfc3339),
        ]
        if let disabledAt {
            json["disabledAt"] = .string(disabledAt.rfc3339)
            json["disabledReason"] = disabledReason.map(JSONValue.string) ?? .null
        }
        return json
    }
}

/// A secret just generated did not decode as one: a fault in the service, never in the request.
struct WebhookSecretError: Error, CustomStringConvertible {
    var description: String { "a generated webhook secret did not decode" }
}
