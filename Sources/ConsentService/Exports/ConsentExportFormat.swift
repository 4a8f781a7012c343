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

    /// `state`: which of the consent's terms applied on the export's day, and what was still to come.
    func append(_ consent: ConsentRecord, terms state: ConsentTermsState, now: Instant, to out: inout [UInt8]) {
        switch self {
        case .csv:
            for (index, column) in Self.columns.enumerated() {
                if index > 0 { out.append(CSVRecord.separator) }
                CSVRecord.appendField(column.value(consent, state, now), to: &out)
            }
            CSVRecord.endRecord(&out)
        case .ndjson:
            out.append(contentsOf: ConsentRepresentation.json(consent, terms: state, now: now).serialized())
            out.append(UInt8(ascii: "\n"))
        }
    }

    struct Column: Sendable {
        let name: String
        let value: @Sendable (ConsentRecord, ConsentTermsState, Instant) -> String?
    }

    /// Every field of `ConsentRepresentation`, in its order, as the text the JSON shows (numbers and booleans
    /// unquoted, null as an empty cell).
    static let columns: [Column] = [
        Column(name: "id") { consent, state, _ in consent.id.lowercasedString },
        Column(name: "status") { consent, state, now in consent.effectiveStatus(at: now).rawValue },
        Column(name: "merchantReference") { consent, state, _ in consent.draft.merchantReference },
        Column(name: "consumer.firstName") { consent, state, _ in consent.draft.consumer.firstName },
        Column(name: "consumer.lastName") { consent, state, _ in consent.draft.consumer.lastName },
        Column(name: "consumer.email") { consent, state, _ in consent.draft.consumer.email },
        Column(name: "consumer.phone") { consent, state, _ in consent.draft.consumer.phone },
        Column(name: "consumer.language") { consent, state, _ in consent.draft.consumer.language },
        Column(name: "terms.type") { consent, state, _ in state.terms(of: consent).type.rawValue },
        Column(name: "terms.amount") { consent, state, _ in state.terms(of: consent).amount.decimalString },
        Column(name: "terms.currency") { consent, state, _ in state.terms(of: consent).amount.currency.code },
        Column(name: "terms.amountType") { consent, state, _ in state.terms(of: consent).amountType.rawValue },
        Column(name: "terms.maxAmount") { consent, state, _ in state.terms(of: consent).maxAmount?.decimalString },
        Column(name: "terms.firstDebitDate") { consent, state, _ in state.terms(of: consent).firstDebitDate?.iso },
        Column(name: "terms.dateType") { consent, state, _ in state.terms(of: consent).dateType.rawValue },
        Column(name: "terms.frequency.interval") { consent, state, _ in
            switch state.terms(of: consent).frequency {
            case nil: nil
            case .monthly: "monthly"
            case .everyDays: "custom"
            }
        },
        Column(name: "terms.frequency.days") { consent, state, _ in
            guard case .everyDays(let days) = state.terms(of: consent).frequency else { return nil }
            return String(days)
        },
        Column(name: "terms.endDate") { consent, state, _ in state.terms(of: consent).endDate?.iso },
        Column(name: "terms.objectiveCriteria") { consent, state, _ in state.terms(of: consent).objectiveCriteria },
        Column(name: "termsVersion") { _, state, _ in String(state.version) },
        Column(name: "pendingAmendment.id") { _, state, _ in state.pending?.id.lowercasedString },
        Column(name: "pendingAmendment.version") { _, state, _ in state.pending.map { String($0.version) } },
        Column(name: "pendingAmendment.consent") { _, state, _ in state.pending?.consent.rawValue },
        Column(name: "pendingAmendment.effectiveFrom") { _, state, _ in state.pending?.effectiveFrom.iso },
        Column(name: "communication.method") { consent, state, _ in consent.draft.communication.method },
        Column(name: "communication.address") { consent, state, _ in consent.draft.communication.address },
        Column(name: "card.brand") { consent, state, _ in consent.draft.card.brand },
        Column(name: "card.last4") { consent, state, _ in consent.draft.card.last4 },
        Column(name: "card.expiryMonth") { consent, state, _ in String(consent.draft.card.expiryMonth) },
        Column(name: "card.expiryYear") { consent, state, _ in String(consent.draft.card.expiryYear) },
        Column(name: "card.accountStatus") { consent, state, _ in consent.cardAccountClosed ? "closed" : "open" },
        Column(name: "evidence.acceptedAt") { consent, state, _ in consent.draft.evidence.acceptedAt.rfc3339 },
        Column(name: "evidence.ipAddress") { consent, state, _ in consent.draft.evidence.ipAddress },
        Column(name: "evidence.userAgent") { consent, state, _ in consent.draft.evidence.userAgent },
        Column(name: "evidence.disclosureText") { consent, state, _ in consent.draft.evidence.disclosureText },
        Column(name: "evidence.disclosureVersion") { consent, state, _ in consent.draft.evidence.disclosureVersion },
        Column(name: "evidence.disclosureSha256") { consent, state, _ in consent.disclosureSha256 },
        Column(name: "recurrenceId") { consent, state, _ in consent.draft.recurrenceId },
        Column(name: "initialPaymentId") { consent, state, _ in consent.initialPaymentId },
        Column(name: "activatedAt") { consent, state, _ in consent.activatedAt?.rfc3339 },
        Column(name: "activationDeadline") { consent, state, _ in consent.expiresAt.rfc3339 },
        Column(name: "policyVersion") { consent, state, _ in String(consent.policyVersion) },
        Column(name: "confirmation.dueBy") { consent, state, _ in consent.confirmationDueBy.iso },
        Column(name: "confirmation.sentAt") { consent, state, _ in consent.confirmationSentAt?.rfc3339 },
        Column(name: "confirmation.policyVersion") { consent, state, _ in String(consent.policyVersion) },
        Column(name: "cancellation.requestedBy") { consent, state, _ in consent.cancellation?.requestedBy },
        Column(name: "cancellation.requestedAt") { consent, state, _ in consent.cancellation?.requestedAt.rfc3339 },
        Column(name: "cancellation.effectiveAt") { consent, state, _ in consent.cancellation?.effectiveAt.rfc3339 },
        Column(name: "cancellation.reason") { consent, state, _ in consent.cancellation?.reason },
        Column(name: "retainUntil") { consent, state, _ in consent.retainUntil?.iso },
        Column(name: "legalHold") { consent, state, _ in consent.legalHold ? "true" : "false" },
        Column(name: "createdAt") { consent, state, _ in consent.createdAt.rfc3339 },
    ]
}
