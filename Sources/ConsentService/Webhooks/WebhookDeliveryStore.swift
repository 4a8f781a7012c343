import ConsentRules
import Foundation
import PGClient

/// A merchant's webhook deliveries, read from the outbox.
struct WebhookDeliveryStore: Sendable {
    let pool: PGPool

    static let page = PGStatement(
        """
        SELECT o.id, o.endpoint_id, w.url, o.payload->>'type', o.consent_id, o.state, o.attempts,
               \(microseconds("o.created_at")), \(microseconds("o.due_at")), \(microseconds("o.sent_at")),
               o.last_error, o.server_reply
        FROM outbox o
        JOIN webhook_endpoints w ON w.merchant_id = o.merchant_id AND w.id = o.endpoint_id
        WHERE o.merchant_id = $1 AND o.kind = 'webhook' AND ($2::text IS NULL OR o.state = $2)
          AND ($3::uuid IS NULL OR o.id > $3)
        ORDER BY o.id
        LIMIT $4
        """)

    func page(_ query: WebhookDeliveryQuery, keyHash: [UInt8]) async throws -> JSONValue {
        try await pool.withConnection { connection in
            let principal = try Authenticator.principal(keyHash: keyHash, on: connection, permission: .manageWebhooks)
            let rows = try connection.query(Self.page, [
                principal.merchant.merchantId, query.status, query.after, query.limit,
            ])
            var deliveries: [JSONValue] = []
            var lastId: UUID?
            for row in rows {
                var cursor = RowCursor(row)
                let id: UUID = try cursor.next()
                lastId = id
                deliveries.append(.object(try Self.json(id: id, &cursor)))
            }
            var page: [String: JSONValue] = ["deliveries": .array(deliveries)]
            // A full page may have more after it; an empty next page is the only way to be sure.
            if deliveries.count == query.limit, let lastId { page["nextAfter"] = .string(lastId.lowercasedString) }
            return .object(page)
        }
    }

    static func json(id: UUID, _ cursor: inout RowCursor) throws -> [String: JSONValue] {
        let endpointId: UUID = try cursor.next()
        let url: String = try cursor.next()
        let type: String = try cursor.next()
        let consentId: UUID? = try cursor.next()
        let state: String = try cursor.next()
        let attempts: Int = try cursor.next()
        let queuedAt = Instant(microsecondsSinceEpoch: try cursor.next())
        let dueAt = Instant(microsecondsSinceEpoch: try cursor.next())
        let sentAt = try cursor.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
        let lastError: String? = try cursor.next()
        let reply: String? = try cursor.next()
        var json: [String: JSONValue] = [
            "id": .string(id.lowercasedString), "endpointId": .string(endpointId.lowercasedString),
            "url": .string(url), "type": .string(type),
            "consentId": consentId.map { .string($0.lowercasedString) } ?? .null, "status": .string(state),
            "attempts": .integer(attempts), "queuedAt": .string(queuedAt.rfc3339),
            "lastError": lastError.map(JSONValue.string) ?? .null, "lastResponse": reply.map(JSONValue.string) ?? .null,
        ]
        if state == "queued" { json["nextAttemptAt"] = .string(dueAt.rfc3339) }
        if let sentAt { json["deliveredAt"] = .string(sentAt.rfc3339) }
        return json
    }
}
