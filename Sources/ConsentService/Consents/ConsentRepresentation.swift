import ConsentRules
import PGClient

/// The contract's JSON shape of a consent (`POST /v1/consents`, `GET /v1/consents/{id}`): `terms` are those in
/// force today, `termsVersion` their version, and `pendingAmendment` the version still to come.
enum ConsentRepresentation {
    static func json(_ consent: ConsentRecord, terms state: ConsentTermsState, now: Instant) -> JSONValue {
        let draft = consent.draft
        return .object([
            "id": .string(consent.id.lowercasedString),
            "status": .string(consent.effectiveStatus(at: now).rawValue),
            "merchantReference": .string(draft.merchantReference),
            "consumer": .object([
                "firstName": .string(draft.consumer.firstName),
                "lastName": .string(draft.consumer.lastName),
                "email": .string(draft.consumer.email),
                "phone": .optional(draft.consumer.phone),
                "language": .string(draft.consumer.language),
            ]),
            "terms": terms(state.terms(of: consent)),
            "termsVersion": .integer(state.version),
            "pendingAmendment": state.pending?.json ?? .null,
            "communication": .object([
                "method": .string(draft.communication.method),
                "address": .string(draft.communication.address),
            ]),
            "card": .object([
                "brand": .string(draft.card.brand),
                "last4": .string(draft.card.last4),
                "expiryMonth": .integer(draft.card.expiryMonth),
                "expiryYear": .integer(draft.card.expiryYear),
                "accountStatus": .string(consent.cardAccountClosed ? "closed" : "open"),
            ]),
            "evidence": .object([
                "acceptedAt": .string(draft.evidence.acceptedAt.rfc3339),
                "ipAddress": .string(draft.evidence.ipAddress),
                "userAgent": .optional(draft.evidence.userAgent),
                "disclosureText": .string(draft.evidence.disclosureText),
                "disclosureVersion": .string(draft.evidence.disclosureVersion),
                "disclosureSha256": .string(consent.disclosureSha256),
            ]),
            "recurrenceId": .optional(draft.recurrenceId),
            "initialPaymentId": .optional(consent.initialPaymentId),
            "activatedAt": .optional(consent.activatedAt?.rfc3339),
            "activationDeadline": .string(consent.expiresAt.rfc3339),
            "policyVersion": .integer(consent.policyVersion),
            "confirmation": .object([
                "dueBy": .string(consent.confirmationDueBy.iso),
                "sentAt": .optional(consent.confirmationSentAt?.rfc3339),
                "policyVersion": .integer(consent.policyVersion),
            ]),
            "cancellation": consent.cancellation.map(cancellation) ?? .null,
            "retainUntil": .optional(consent.retainUntil?.iso),
            "legalHold": .bool(consent.legalHold),
            "createdAt": .string(consent.createdAt.rfc3339),
        ])
    }

    static func terms(_ terms: Terms) -> JSONValue {
        var object: [String: JSONValue] = [
            "type": .string(terms.type.rawValue),
            "amount": .string(terms.amount.decimalString),
            "currency": .string(terms.amount.currency.code),
            "amountType": .string(terms.amountType.rawValue),
            "maxAmount": .optional(terms.maxAmount?.decimalString),
            "firstDebitDate": .optional(terms.firstDebitDate?.iso),
            "dateType": .string(terms.dateType.rawValue),
            "endDate": .optional(terms.endDate?.iso),
            "objectiveCriteria": .optional(terms.objectiveCriteria),
        ]
        switch terms.frequency {
        case nil: object["frequency"] = .null
        case .monthly: object["frequency"] = .object(["interval": .string("monthly")])
        case .everyDays(let days): object["frequency"] = .object(["interval": .string("custom"), "days": .integer(days)])
        }
        return .object(object)
    }

    private static func cancellation(_ cancellation: ConsentRecord.Cancellation) -> JSONValue {
        .object([
            "requestedBy": .string(cancellation.requestedBy),
            "requestedAt": .string(cancellation.requestedAt.rfc3339),
            "effectiveAt": .string(cancellation.effectiveAt.rfc3339),
            "reason": .optional(cancellation.reason),
        ])
    }
}

extension JSONValue {
    static func optional(_ string: String?) -> JSONValue {
        string.map { .string($0) } ?? .null
    }

    static func integer(_ value: Int) -> JSONValue {
        .number(String(value))
    }
}
