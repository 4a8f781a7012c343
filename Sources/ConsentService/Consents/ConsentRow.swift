import ConsentRules
import Foundation
import PGClient

/// How a consent maps to the `consents` table: the select list, its decoding and the insert's binds.
enum ConsentRow {
    /// How a column is selected: as stored, as text (dates), or as microseconds since the epoch (instants).
    private enum Column {
        case value(String), text(String), instant(String)

        func sql(prefix: String) -> String {
            switch self {
            case .value(let name): prefix + name
            case .text(let name): prefix + name + "::text"
            case .instant(let name): microseconds(prefix + name)
            }
        }
    }

    /// The terms the consumer agreed to, in `decodeTerms` order.
    private static let termsLayout: [Column] = [
        .value("terms_type"), .value("amount_minor"), .value("currency"), .value("amount_type"),
        .value("max_amount_minor"), .text("first_debit_date"), .value("date_type"), .value("frequency_interval"),
        .value("frequency_days"), .text("end_date"), .value("objective_criteria"),
    ]
    private static let cardLayout: [Column] = [
        .value("card_brand"), .value("card_last4"), .value("card_expiry_month"), .value("card_expiry_year"),
    ]

    private static let layout: [Column] =
        [
            .value("id"), .value("merchant_id"), .value("merchant_reference"), .value("status"), .value("request_hash"),
            .value("personal_data"), .value("personal_data_key"), .value("consumer_language"),
        ] + termsLayout + [.value("communication_method")] + cardLayout + [
        .value("card_account_closed"), .instant("accepted_at"), .value("disclosure_text"),
        .value("disclosure_version"), .value("disclosure_sha256"),
        .value("recurrence_id"), .value("initial_payment_id"), .instant("activated_at"), .instant("expires_at"),
        .value("policy_version"), .text("confirmation_due_by"), .instant("confirmation_sent_at"),
        .value("cancel_requested_by"), .instant("cancel_requested_at"), .instant("cancel_effective_at"),
        .value("cancel_reason"), .text("retain_until"), .value("legal_hold"), .value("last_event_seq"),
        .value("last_event_hash"), .instant("created_at"), .instant("updated_at"),
    ]

    /// The select list, optionally with every column prefixed by a table alias for queries that join.
    static func selectList(alias: String?) -> String {
        let prefix = alias.map { $0 + "." } ?? ""
        return layout.map { $0.sql(prefix: prefix) }.joined(separator: ", ")
    }

    static let columnCount = layout.count

    /// The select list of the terms alone (`decodeTerms`), of the consents table or another with its columns.
    static func termsList(alias: String) -> String {
        termsLayout.map { $0.sql(prefix: alias + ".") }.joined(separator: ", ")
    }
    static let termsColumnCount = termsLayout.count
    /// The terms columns' names, in `termsBinds` order.
    static let termsColumns = [
        "terms_type", "amount_minor", "currency", "amount_type", "max_amount_minor", "first_debit_date",
        "date_type", "frequency_interval", "frequency_days", "end_date", "objective_criteria",
    ]

    /// One value per `termsColumns` entry.
    static func termsBinds(_ terms: Terms) -> [any PGBindable] {
        let (interval, days): (String?, Int?) =
            switch terms.frequency {
            case nil: (nil, nil)
            case .monthly: ("monthly", nil)
            case .everyDays(let days): ("custom", days)
            }
        return [
            terms.type.rawValue, terms.amount.minorUnits, terms.amount.currency.code, terms.amountType.rawValue,
            terms.maxAmount?.minorUnits, terms.firstDebitDate?.iso, terms.dateType.rawValue, interval, days,
            terms.endDate?.iso, terms.objectiveCriteria,
        ]
    }

    /// The select list of the terms and then the card, for reads that need only those (`decodeTerms`, `decodeCard`).
    static func termsAndCardList(alias: String) -> String {
        (termsLayout + cardLayout).map { $0.sql(prefix: alias + ".") }.joined(separator: ", ")
    }
    static let selectList = selectList(alias: nil)

    static func decode(_ row: PGRow, keyring: PersonalDataKeyring) throws -> ConsentRecord {
        var cursor = RowCursor(row)
        return try decode(&cursor, keyring: keyring)
    }

    /// Opens the consent's sealed personal data with `keyring` on the way.
    static func decode(_ c: inout RowCursor, keyring: PersonalDataKeyring) throws -> ConsentRecord {
        let id: UUID = try c.next()
        let merchantId: String = try c.next()
        let reference: String = try c.next()
        let status = try ConsentStatus(rawValue: c.next(String.self)) ?? .pending
        let requestHash: String = try c.next()
        let sealedBytes: [UInt8] = try c.next()
        let sealed = SealedValue(keyId: try c.next(), bytes: sealedBytes)
        let context = SealingContext.consent(merchantId: merchantId, consentId: id)
        guard let personal = ConsumerPersonalData(decoding: try keyring.open(sealed, context: context)) else {
            throw PersonalDataError.malformed(context.description)
        }
        let consumer = Consumer(
            firstName: personal.firstName, lastName: personal.lastName, email: personal.email, phone: personal.phone,
            language: try c.next())
        let terms = try decodeTerms(&c)
        let communication = Communication(method: try c.next(), address: personal.communicationAddress)
        let card = try decodeCard(&c)
        let cardAccountClosed: Bool = try c.next()
        let evidence = Evidence(
            acceptedAt: Instant(microsecondsSinceEpoch: try c.next()),
            ipAddress: personal.ipAddress, userAgent: personal.userAgent, disclosureText: try c.next(),
            disclosureVersion: try c.next())
        let disclosureSha256: String = try c.next()
        let recurrenceId: String? = try c.next()
        let draft = ConsentDraft(
            merchantReference: reference, consumer: consumer, terms: terms, communication: communication,
            card: card, evidence: evidence, recurrenceId: recurrenceId)
        let initialPaymentId: String? = try c.next()
        let activatedAt = try c.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
        let expiresAt = Instant(microsecondsSinceEpoch: try c.next())
        let policyVersion: Int = try c.next()
        guard let dueBy = try LocalDate(iso: c.next(String.self)) else { throw StoredDataError(column: "confirmation_due_by") }
        let confirmationSentAt = try c.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
        let requestedBy: String? = try c.next()
        let requestedAt = try c.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
        let effectiveAt = try c.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
        let reason: String? = try c.next()
        var cancellation: ConsentRecord.Cancellation?
        if let requestedBy, let requestedAt, let effectiveAt {
            cancellation = .init(requestedBy: requestedBy, requestedAt: requestedAt, effectiveAt: effectiveAt, reason: reason)
        }
        return ConsentRecord(
            id: id, merchantId: merchantId, status: status, requestHash: requestHash, draft: draft,
            cardAccountClosed: cardAccountClosed,
            disclosureSha256: disclosureSha256, initialPaymentId: initialPaymentId, activatedAt: activatedAt,
            expiresAt: expiresAt, policyVersion: policyVersion, confirmationDueBy: dueBy,
            confirmationSentAt: confirmationSentAt, cancellation: cancellation,
            retainUntil: try c.next(String?.self).flatMap(LocalDate.init(iso:)),
            legalHold: try c.next(), lastEventSeq: try c.next(), lastEventHash: try c.next(),
            createdAt: Instant(microsecondsSinceEpoch: try c.next()),
            updatedAt: Instant(microsecondsSinceEpoch: try c.next()))
    }

    static func decodeTerms(_ c: inout RowCursor) throws -> Terms {
        let termsType = try TermsType(rawValue: c.next(String.self)) ?? .scheduled
        let amountMinor: Int64 = try c.next()
        let currencyCode: String = try c.next()
        guard let currency = Currency.iso4217(currencyCode) else {
            throw StoredDataError(column: "currency")
        }
        let amountType = try AmountType(rawValue: c.next(String.self)) ?? .fixed
        let maxAmountMinor: Int64? = try c.next()
        let firstDebitDate = try c.next(String?.self).flatMap(LocalDate.init(iso:))
        let dateType = try DateType(rawValue: c.next(String.self)) ?? .fixed
        let interval: String? = try c.next()
        let days: Int? = try c.next()
        let frequency: Frequency? =
            switch interval {
            case "monthly": .monthly
            case "custom": .everyDays(days ?? 0)
            default: nil
            }
        return Terms(
            type: termsType,
            amount: Money(minorUnits: amountMinor, currency: currency),
            amountType: amountType,
            maxAmount: maxAmountMinor.map { Money(minorUnits: $0, currency: currency) },
            firstDebitDate: firstDebitDate,
            dateType: dateType,
            frequency: frequency,
            endDate: try c.next(String?.self).flatMap(LocalDate.init(iso:)),
            objectiveCriteria: try c.next())
    }

    static func decodeCard(_ c: inout RowCursor) throws -> Card {
        Card(
            brand: try c.next(), last4: try c.next(),
            expiryMonth: Int(try c.next(Int16.self)), expiryYear: Int(try c.next(Int16.self)))
    }

    /// The columns the consent's INSERT writes, in `insertBinds` order.
    private static let insertColumns = [
        "merchant_id", "id", "merchant_reference", "status", "request_hash",
        "personal_data", "personal_data_key", "consumer_language",
        "terms_type", "amount_minor", "currency", "amount_type", "max_amount_minor", "first_debit_date",
        "date_type", "frequency_interval", "frequency_days", "end_date", "objective_criteria",
        "communication_method",
        "card_brand", "card_last4", "card_expiry_month", "card_expiry_year",
        "accepted_at", "disclosure_text", "disclosure_version", "disclosure_sha256",
        "recurrence_id", "initial_payment_id", "activated_at", "expires_at",
        "policy_version", "confirmation_due_by", "last_event_seq", "last_event_hash", "created_at", "updated_at",
    ]

    static let insertBindCount = insertColumns.count

    /// The consents' INSERT for `rows` consents, the values of row r (from 0) at placeholders r × `stride` + 1
    /// … r × `stride` + `insertBindCount` (see `insertBinds`); a row with any unique conflict is left out.
    static func insertSQL(rows: Int, stride: Int) -> String {
        let tuples = (0..<rows).map { row in
            "(" + (1...insertBindCount).map { "$\(row * stride + $0)" }.joined(separator: ", ") + ")"
        }
        return """
            INSERT INTO consents (\(insertColumns.joined(separator: ", ")))
            VALUES \(tuples.joined(separator: ",\n       "))
            ON CONFLICT DO NOTHING
            RETURNING merchant_id, id
            """
    }

    /// The consumer's personal data of `consent`, as the row stores it.
    static func personalData(of consent: ConsentRecord) -> ConsumerPersonalData {
        let draft = consent.draft
        return ConsumerPersonalData(
            firstName: draft.consumer.firstName, lastName: draft.consumer.lastName, email: draft.consumer.email,
            phone: draft.consumer.phone, communicationAddress: draft.communication.address,
            ipAddress: draft.evidence.ipAddress, userAgent: draft.evidence.userAgent)
    }

    /// One value per `insertColumns` entry.
    static func insertBinds(_ consent: ConsentRecord, keyring: PersonalDataKeyring) -> [any PGBindable] {
        let draft = consent.draft
        let sealed = keyring.seal(
            personalData(of: consent).encoded(),
            context: .consent(merchantId: consent.merchantId, consentId: consent.id))
        let leading: [any PGBindable] = [
            consent.merchantId, consent.id, draft.merchantReference, consent.status.rawValue, consent.requestHash,
            sealed.bytes, sealed.keyId, draft.consumer.language,
        ]
        return leading + termsBinds(draft.terms) + [
            draft.communication.method,
            draft.card.brand, draft.card.last4, draft.card.expiryMonth, draft.card.expiryYear,
            draft.evidence.acceptedAt.rfc3339, draft.evidence.disclosureText, draft.evidence.disclosureVersion, consent.disclosureSha256,
            draft.recurrenceId, consent.initialPaymentId, consent.activatedAt?.rfc3339, consent.expiresAt.rfc3339,
            consent.policyVersion, consent.confirmationDueBy.iso, consent.lastEventSeq, consent.lastEventHash,
            consent.createdAt.rfc3339, consent.updatedAt.rfc3339,
        ]
    }
}
