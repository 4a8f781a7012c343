import ConsentRules
import PGClient

/// How an export writes consents: CSV with one column per field of the API's consent (named by its path in the
/// JSON, e.g. `consumer.email`), or NDJSON with each line exactly the API's consent.
enum ConsentExportFormat: String, Sendable, CaseIterable {
    case csv, ndjson

    var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8; header=present"
        case .ndjson: "application/x-ndjson"
        }
    }

    /// What the export starts with: the CSV header row.
    var preamble: [UInt8] {
        guard self == .csv else { return [] }
        var bytes: [UInt8] = []
        CSVRecord.append(Self.columns.map(\.name), to: &bytes)
        return bytes
    }

    func append(_ consent: ConsentRecord, now: Instant, to out: inout [UInt8]) {
        switch self {
        case .csv:
            for (index, column) in Self.columns.enumerated() {
                if index > 0 { out.append(CSVRecord.separator) }
                CSVRecord.appendField(column.value(consent, now), to: &out)
            }
            CSVRecord.endRecord(&out)
        case .ndjson:
            out.append(contentsOf: ConsentRepresentation.json(consent, now: now).serialized())
            out.append(UInt8(ascii: "\n"))
        }
    }

    struct Column: Sendable {
        let name: String
        let value: @Sendable (ConsentRecord, Instant) -> String?
    }

    /// Every field of `ConsentRepresentation`, in its order, as the text the JSON shows (numbers and booleans
    /// unquoted, null as an empty cell).
    static let columns: [Column] = [
        Column(name: "id") { consent, _ in consent.id.lowercasedString },
        Column(name: "status") { consent, now in consent.effectiveStatus(at: now).rawValue },
        Column(name: "merchantReference") { consent, _ in consent.draft.merchantReference },
        Column(name: "consumer.firstName") { consent, _ in consent.draft.consumer.firstName },
        Column(name: "consumer.lastName") { consent, _ in consent.draft.consumer.lastName },
        Column(name: "consumer.email") { consent, _ in consent.draft.consumer.email },
        Column(name: "consumer.phone") { consent, _ in consent.draft.consumer.phone },
        Column(name: "consumer.language") { consent, _ in consent.draft.consumer.language },
        Column(name: "terms.type") { consent, _ in consent.draft.terms.type.rawValue },
        Column(name: "terms.amount") { consent, _ in consent.draft.terms.amount.decimalString },
        Column(name: "terms.currency") { consent, _ in consent.draft.terms.amount.currency.code },
        Column(name: "terms.amountType") { consent, _ in consent.draft.terms.amountType.rawValue },
        Column(name: "terms.maxAmount") { consent, _ in consent.draft.terms.maxAmount?.decimalString },
        Column(name: "terms.firstDebitDate") { consent, _ in consent.draft.terms.firstDebitDate?.iso },
        Column(name: "terms.dateType") { consent, _ in consent.draft.terms.dateType.rawValue },
        Column(name: "terms.frequency.interval") { consent, _ in
            switch consent.draft.terms.frequency {
            case nil: nil
            case .monthly: "monthly"
            case .everyDays: "custom"
            }
        },
        Column(name: "terms.frequency.days") { consent, _ in
            guard case .everyDays(let days) = consent.draft.terms.frequency else { return nil }
            return String(days)
        },
        Column(name: "terms.endDate") { consent, _ in consent.draft.terms.endDate?.iso },
        Column(name: "terms.objectiveCriteria") { consent, _ in consent.draft.terms.objectiveCriteria },
        Column(name: "communication.method") { consent, _ in consent.draft.communication.method },
        Column(name: "communication.address") { consent, _ in consent.draft.communication.address },
        Column(name: "card.brand") { consent, _ in consent.draft.card.brand },
        Column(name: "card.last4") { consent, _ in consent.draft.card.last4 },
        Column(name: "card.expiryMonth") { consent, _ in String(consent.draft.card.expiryMonth) },
        Column(name: "card.expiryYear") { consent, _ in String(consent.draft.card.expiryYear) },
        Column(name: "evidence.acceptedAt") { consent, _ in consent.draft.evidence.acceptedAt.rfc3339 },
        Column(name: "evidence.ipAddress") { consent, _ in consent.draft.evidence.ipAddress },
        Column(name: "evidence.userAgent") { consent, _ in consent.draft.evidence.userAgent },
        Column(name: "evidence.disclosureText") { consent, _ in consent.draft.evidence.disclosureText },
        Column(name: "evidence.disclosureVersion") { consent, _ in consent.draft.evidence.disclosureVersion },
        Column(name: "evidence.disclosureSha256") { consent, _ in consent.disclosureSha256 },
        Column(name: "recurrenceId") { consent, _ in consent.draft.recurrenceId },
        Column(name: "initialPaymentId") { consent, _ in consent.initialPaymentId },
        Column(name: "activatedAt") { consent, _ in consent.activatedAt?.rfc3339 },
        Column(name: "activationDeadline") { consent, _ in consent.expiresAt.rfc3339 },
        Column(name: "policyVersion") { consent, _ in String(consent.policyVersion) },
        Column(name: "confirmation.dueBy") { consent, _ in consent.confirmationDueBy.iso },
        Column(name: "confirmation.sentAt") { consent, _ in consent.confirmationSentAt?.rfc3339 },
        Column(name: "confirmation.policyVersion") { consent, _ in String(consent.policyVersion) },
        Column(name: "cancellation.requestedBy") { consent, _ in consent.cancellation?.requestedBy },
        Column(name: "cancellation.requestedAt") { consent, _ in consent.cancellation?.requestedAt.rfc3339 },
        Column(name: "cancellation.effectiveAt") { consent, _ in consent.cancellation?.effectiveAt.rfc3339 },
        Column(name: "cancellation.reason") { consent, _ in consent.cancellation?.reason },
        Column(name: "retainUntil") { consent, _ in consent.retainUntil?.iso },
        Column(name: "legalHold") { consent, _ in consent.legalHold ? "true" : "false" },
        Column(name: "createdAt") { consent, _ in consent.createdAt.rfc3339 },
    ]
}
