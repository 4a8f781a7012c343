import ConsentRules
import Foundation
import Notifier
import PGClient

/// One webhook delivery, as migration 0007's trigger queued it: the body is built from the consent event that
/// caused it (which never changes, so every attempt posts the same bytes), signed afresh for each attempt.
enum WebhookMessage {
    /// As long as a delivery keeps failing transiently before it fails for good (CONTRACT.md, "Webhooks").
    static let giveUpAfterSeconds: Int64 = 2 * 3600

    static let load = PGStatement(
        """
        SELECT w.url, w.secret, w.disabled_reason, e.type, \(microseconds("e.at")), e.data::text,
               c.merchant_reference, c.recurrence_id
        FROM webhook_endpoints w
        LEFT JOIN consent_events e ON e.merchant_id = w.merchant_id AND e.consent_id = $2 AND e.seq = $3
        LEFT JOIN consents c ON c.merchant_id = w.merchant_id AND c.id = $2
        WHERE w.merchant_id = $1 AND w.id = $4
        """)

    static let disableEndpoint = PGStatement(
        """
        UPDATE webhook_endpoints w SET disabled_at = $3, disabled_reason = $4
        FROM outbox o
        WHERE o.merchant_id = $1 AND o.id = $2 AND w.merchant_id = o.merchant_id AND w.id = o.endpoint_id
          AND w.disabled_at IS NULL
        """)

    struct Reference {
        let endpointId: UUID
        let eventSeq: Int

        init(payload: String) throws {
            let fields = try JSONValue.parse(Array(payload.utf8))
            guard let endpointId = fields["endpointId"]?.stringValue.flatMap(UUID.init(uuidString:)),
                let eventSeq = fields["eventSeq"]?.intValue
            else { throw ComposeError(message: "a webhook delivery without its endpoint and event") }
            self.endpointId = endpointId
            self.eventSeq = eventSeq
        }
    }

    static func compose(_ message: ClaimedMessage, attemptAt: Instant, pool: PGPool) async throws -> OutboxComposition {
        let reference = try Reference(payload: message.payload)
        guard let consentId = message.consentId else { return .withdraw(reason: "the consent no longer exists") }
        return try await pool.withConnection { connection in
            let result = try connection.query(
                load, [message.merchantId, consentId, reference.eventSeq, reference.endpointId])
            guard result.rowCount == 1 else { return .withdraw(reason: "the endpoint no longer exists") }
            return try composition(RowCursor(result[0]), message: message, consentId: consentId, reference: reference,
                attemptAt: attemptAt)
        }
    }

    private static func composition(
        _ row: RowCursor, message: ClaimedMessage, consentId: UUID, reference: Reference, attemptAt: Instant
    ) throws -> OutboxComposition {
        var row = row
        let url: String = try row.next()
        let secret: [UInt8] = try row.next()
        if let disabledReason = try row.next(String?.self) {
            return .fail(reason: "the endpoint was disabled: \(disabledReason)")
        }
        guard let type = try row.next(String?.self), let at = try row.next(Int64?.self),
            let data = try row.next(String?.self), let merchantReference = try row.next(String?.self)
        else { return .withdraw(reason: "the consent no longer exists") }
        let recurrenceId = try row.next(String?.self)
        let body = Self.body(
            type: type, at: Instant(microsecondsSinceEpoch: at), consentId: consentId, eventSeq: reference.eventSeq,
            merchantReference: merchantReference, recurrenceId: recurrenceId,
            details: try JSONValue.parse(Array(data.utf8)))
        let headers = WebhookSignature.headers(
            id: message.id.lowercasedString, timestamp: attemptAt.microsecondsSinceEpoch / 1_000_000, body: body,
            key: secret)
        return .post(
            WebhookPost(url: url, body: body, headers: headers),
            evidence: MessageEvidence(recipient: .plain(url), subject: type, language: nil))
    }

    /// `{"type", "timestamp", "data"}` as Standard Webhooks lays a payload out; `data.details` is the event's own.
    static func body(
        type: String, at: Instant, consentId: UUID, eventSeq: Int, merchantReference: String, recurrenceId: String?,
        details: JSONValue
    ) -> [UInt8] {
        var data: [String: JSONValue] = [
            "consentId": .string(consentId.lowercasedString), "merchantReference": .string(merchantReference),
            "eventSeq": .integer(eventSeq), "details": details,
        ]
        data["recurrenceId"] = recurrenceId.map(JSONValue.string) ?? .null
        let payload: JSONValue = ["type": .string(type), "timestamp": .string(at.rfc3339), "data": .object(data)]
        return payload.serialized()
    }

    /// After a `410 Gone`: the endpoint gets nothing more; its queued deliveries fail when their turn comes.
    static func disableEndpoint(of message: ClaimedMessage, at: Instant, on connection: PGConnection) throws {
        _ = try connection.query(disableEndpoint, [
            message.merchantId, message.id, at.rfc3339, "the endpoint answered 410 Gone",
        ])
    }
}
