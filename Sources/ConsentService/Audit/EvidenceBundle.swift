import ConsentRules
import Foundation
import PGClient

/// The whole record of one consent, on first demand (CONTRACT.md, "Records for auditors"): the consent with the
/// terms and disclosure the consumer accepted, its history with the chain's own check, every message queued for
/// it (what was sent, to whom, the SHA-256 of the exact bytes and the server's reply), debits, payments,
/// cancellation and retention. The API, `consent-service evidence` and the purge's tombstone hash all use this.
enum EvidenceBundle {
    static let format = "consent-evidence/1"

    static let messages = PGStatement(
        """
        SELECT id, kind, state, recipient, recipient_sealed, recipient_key, subject, language, body_sha256,
               message_id, \(microseconds("sent_at")), server_reply, last_error, attempts, \(microseconds("created_at"))
        FROM outbox WHERE merchant_id = $1 AND consent_id = $2 ORDER BY created_at, id
        """)
    static let debits = PGStatement(
        """
        SELECT id, amount_minor, currency, debit_date::text, notice_required, \(microseconds("notice_sent_at")),
               \(microseconds("created_at"))
        FROM debits WHERE merchant_id = $1 AND consent_id = $2 ORDER BY debit_date, created_at, id
        """)
    static let payments = PGStatement(
        """
        SELECT payment_id, amount_minor, currency, \(microseconds("executed_at")), status, final, after_cancellation,
               \(microseconds("recorded_at"))
        FROM payments WHERE merchant_id = $1 AND consent_id = $2 ORDER BY executed_at, payment_id
        """)
    static let legalHold = PGStatement(
        """
        SELECT legal_hold_reason, \(microseconds("legal_hold_since")) FROM consents WHERE merchant_id = $1 AND id = $2
        """)

    static let timeZone = PGStatement("SELECT timezone FROM merchants WHERE merchant_id = $1")

    /// Every card the consent has had, once one was recorded after the capture.
    static let cards = PGStatement(
        """
        SELECT seq, brand, last4, expiry_month, expiry_year, source, account_closed, effective_from::text,
               \(microseconds("recorded_at")), recorded_by
        FROM consent_cards WHERE merchant_id = $1 AND consent_id = $2 ORDER BY seq
        """)

    private static func cardHistory(_ consent: ConsentRecord, on connection: PGConnection) throws -> JSONValue {
        .array(
            try connection.query(cards, [consent.merchantId, consent.id]).map { row in
                [
                    "seq": .integer(try row.decode(Int.self, 0)), "brand": .string(try row.decode(String.self, 1)),
                    "last4": .string(try row.decode(String.self, 2)),
                    "expiryMonth": .integer(Int(try row.decode(Int16.self, 3))),
                    "expiryYear": .integer(Int(try row.decode(Int16.self, 4))),
                    "source": .string(try row.decode(String.self, 5)),
                    "accountStatus": .string(try row.decode(Bool.self, 6) ? "closed" : "open"),
                    "effectiveFrom": .string(try row.decode(String.self, 7)),
                    "recordedAt": .string(Instant(microsecondsSinceEpoch: try row.decode(Int64.self, 8)).rfc3339),
                    "recordedBy": .string(try row.decode(String.self, 9)),
                ]
            })
    }

    private static func merchantTimeZone(_ merchantId: String, on connection: PGConnection) throws -> TimeZone {
        let result = try connection.query(timeZone, [merchantId])
        guard result.rowCount == 1, let zone = TimeZone(identifier: try result[0].decode(String.self, 0)) else {
            throw StoredDataError(column: "merchants.timezone")
        }
        return zone
    }

    static func build(
        _ consent: ConsentRecord, generatedAt: Instant, keyring: PersonalDataKeyring, on connection: PGConnection
    ) throws -> JSONValue {
        let binds: [any PGBindable] = [consent.merchantId, consent.id]
        let events = try ConsentEventLog.load(merchantId: consent.merchantId, consentId: consent.id, on: connection)
        let chainBreak = ChainCheck.firstBreak(
            events, headSeq: consent.lastEventSeq, headHash: consent.lastEventHash)
        let hold = try connection.query(legalHold, binds)
        var holdCursor = RowCursor(hold[0])
        let holdReason: String? = try holdCursor.next()
        let holdSince = try holdCursor.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
        let terms = try ConsentTermsVersions.load(of: consent, at: generatedAt, on: connection)
        let representation = ConsentRepresentation.json(consent, terms: terms, now: generatedAt)
        let timeZone = try merchantTimeZone(consent.merchantId, on: connection)
        let versions = try AmendmentVersions.json(
            consent, today: generatedAt.localDate(in: timeZone), timeZone: timeZone, keyring: keyring, on: connection)
        let evidence = consent.draft.evidence
        return [
            "format": .string(format),
            "generatedAt": .string(generatedAt.rfc3339),
            "merchantId": .string(consent.merchantId),
            "consent": representation,
            "termsAsShown": [
                "terms": ConsentRepresentation.terms(consent.draft.terms),
                "disclosureText": .string(evidence.disclosureText),
                "disclosureVersion": .string(evidence.disclosureVersion),
                "disclosureSha256": .string(consent.disclosureSha256),
                "acceptedAt": .string(evidence.acceptedAt.rfc3339),
            ],
            "termsVersions": versions["versions"] ?? [],
            "cards": try cardHistory(consent, on: connection),
            "events": .array(events.map(\.json)),
            "chain": [
                "intact": .bool(chainBreak == nil),
                "firstBrokenSeq": chainBreak.map { .integer($0.seq) } ?? .null,
                "problem": chainBreak.map { .string($0.description) } ?? .null,
            ],
            "messages": .array(
                try connection.query(messages, binds).map {
                    try message($0, merchantId: consent.merchantId, keyring: keyring)
                }),
            "debits": .array(try connection.query(debits, binds).map(debit)),
            "payments": .array(try connection.query(payments, binds).map(payment)),
            "cancellation": representation["cancellation"] ?? .null,
            "retention": [
                "retainUntil": representation["retainUntil"] ?? .null,
                "legalHold": .bool(consent.legalHold),
                "legalHoldReason": .optional(holdReason),
                "legalHoldSince": .optional(holdSince?.rfc3339),
            ],
        ]
    }

    private static func message(_ row: PGRow, merchantId: String, keyring: PersonalDataKeyring) throws -> JSONValue {
        var cursor = RowCursor(row)
        let id: UUID = try cursor.next()
        let kind: String = try cursor.next()
        let state: String = try cursor.next()
        let plainRecipient: String? = try cursor.next()
        let sealedRecipient: [UInt8]? = try cursor.next()
        let recipientKey: String? = try cursor.next()
        let recipient = try MessageRecipient.open(
            plain: plainRecipient, sealed: sealedRecipient, keyId: recipientKey,
            context: .message(merchantId: merchantId, outboxId: id), keyring: keyring)
        let subject: String? = try cursor.next()
        let language: String? = try cursor.next()
        let bodySHA256: String? = try cursor.next()
        let messageId: String? = try cursor.next()
        let sentAt = try cursor.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
        let reply: String? = try cursor.next()
        let lastError: String? = try cursor.next()
        let attempts: Int = try cursor.next()
        let queuedAt = Instant(microsecondsSinceEpoch: try cursor.next())
        return [
            "outboxId": .string(id.lowercasedString), "kind": .string(kind), "status": .string(state),
            "to": .optional(recipient), "subject": .optional(subject), "language": .optional(language),
            "sha256": .optional(bodySHA256), "messageId": .optional(messageId), "sentAt": .optional(sentAt?.rfc3339),
            "serverReply": .optional(reply), "lastError": .optional(lastError), "attempts": .integer(attempts),
            "queuedAt": .string(queuedAt.rfc3339),
        ]
    }

    private static func money(_ minorUnits: Int64, _ code: String) -> JSONValue {
        guard let currency = Currency.iso4217(code) else { return .string(String(minorUnits)) }
        return .string(Money(minorUnits: minorUnits, currency: currency).decimalString)
    }

    private static func debit(_ row: PGRow) throws -> JSONValue {
        var cursor = RowCursor(row)
        let id: UUID = try cursor.next()
        let amount: Int64 = try cursor.next()
        let currency: String = try cursor.next()
        let date: String = try cursor.next()
        let noticeRequired: Bool = try cursor.next()
        let noticeSentAt = try cursor.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
        let createdAt = Instant(microsecondsSinceEpoch: try cursor.next())
        return [
            "id": .string(id.lowercasedString), "amount": money(amount, currency), "currency": .string(currency),
            "date": .string(date), "noticeRequired": .bool(noticeRequired),
            "noticeSentAt": .optional(noticeSentAt?.rfc3339), "announcedAt": .string(createdAt.rfc3339),
        ]
    }

    private static func payment(_ row: PGRow) throws -> JSONValue {
        var cursor = RowCursor(row)
        let paymentId: String = try cursor.next()
        let amount: Int64 = try cursor.next()
        let currency: String = try cursor.next()
        let executedAt = Instant(microsecondsSinceEpoch: try cursor.next())
        let status: String = try cursor.next()
        let final: Bool = try cursor.next()
        let afterCancellation: Bool = try cursor.next()
        let recordedAt = Instant(microsecondsSinceEpoch: try cursor.next())
        return [
            "paymentId": .string(paymentId), "amount": money(amount, currency), "currency": .string(currency),
            "executedAt": .string(executedAt.rfc3339), "status": .string(status), "final": .bool(final),
            "afterCancellation": .bool(afterCancellation), "recordedAt": .string(recordedAt.rfc3339),
        ]
    }
}
