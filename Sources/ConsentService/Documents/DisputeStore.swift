import ConsentRules
import Foundation
import PDFLayout
import PGClient

/// The chargeback pack for one payment: the evidence snapshot, validity's facts for the payment's date read in
/// the same snapshot, the record's assessment of the payment, and the PDF within the schemes' upload limits.
struct DisputeStore: Sendable {
    static let pageLimit = 20
    static let byteLimit = 5 * 1024 * 1024

    let documents: EvidenceDocumentStore

    struct Pack: Sendable {
        let pdf: RenderedPDF
        let supportsMerchant: Bool
        let bundleSha256: String
        let lag: ReplayLag
    }

    /// What the pack says of the payment, from the snapshot.
    struct Findings: Sendable {
        let payment: DisputedPayment
        let paymentJSON: JSONValue
        let debitConsent: DebitConsent
        let noticeSentAt: Instant?
        let assessment: DisputeAssessment
    }

    func pack(consentId: UUID, request: DisputeRequest, keyHash: [UInt8]) async throws -> Pack {
        let (snapshot, findings) = try await documents.snapshot(consentId: consentId, keyHash: keyHash) {
            consent, snapshot, connection in
            try Self.findings(request, consent: consent, snapshot: snapshot, keyHash: keyHash, on: connection)
        }
        let document = documents.document(of: snapshot)
        let pack = DisputePack(evidence: document, reason: request.reason, findings: findings)
        var rendered: RenderedPDF?
        for compactness in DisputePack.Compactness.allCases {
            let attempt = try await EvidenceDocumentStore.render(
                pack.printed(compactness), creationDate: document.creationDate)
            rendered = attempt
            if attempt.pageCount <= Self.pageLimit && attempt.bytes.count <= Self.byteLimit { break }
        }
        guard let rendered else { throw StoredDataError(column: "dispute pack") }
        return Pack(
            pdf: rendered, supportsMerchant: findings.assessment.supportsMerchant, bundleSha256: snapshot.bundle.sha256,
            lag: snapshot.bundle.lag)
    }

    private static func findings(
        _ request: DisputeRequest, consent: ConsentRecord, snapshot: EvidenceDocumentStore.Snapshot,
        keyHash: [UInt8], on connection: PGConnection
    ) throws -> Findings {
        guard
            let json = snapshot.bundle.value["payments"]?.arrayValue?.first(where: {
                $0["paymentId"]?.stringValue == request.paymentId
            }),
            let code = json["currency"]?.stringValue, let currency = Currency.iso4217(code),
            let amountText = json["amount"]?.stringValue,
            case .success(let amount) = Money.parse(amountText, currency: currency),
            let executedText = json["executedAt"]?.stringValue, let executedAt = Instant(rfc3339: executedText)
        else {
            throw APIError.validation("paymentId", "no payment with this id is recorded on this consent")
        }
        let payment = DisputedPayment(
            paymentId: request.paymentId, amount: amount, executedAt: executedAt,
            isInitial: consent.initialPaymentId == request.paymentId)
        let debit = DebitRequest(amount: amount, date: executedAt.localDate(in: snapshot.merchant.timeZone))
        let row = try connection.query(
            ValidityQueries.byId,
            [
                PGTextArray([keyHash.pgText]), PGTextArray([consent.id.lowercasedString]), PGTextArray([debit.date.iso]),
                PGTextArray([String(amount.minorUnits)]), PGTextArray([currency.code]),
            ]
        ).oneRowPerQuestion(asked: 1)[0]
        let facts = try ValidityFacts(row, permission: .readEvidence)
        let debitConsent = facts.consent(status: facts.storedStatus)
        let history = ConsentHistory(
            activatedAt: consent.activatedAt, expiresAt: consent.expiresAt, cancelledAt: consent.cancellation?.effectiveAt)
        return Findings(
            payment: payment, paymentJSON: json, debitConsent: debitConsent, noticeSentAt: facts.noticeSentAt,
            assessment: DisputeAssessment.assess(
                payment, consent: debitConsent, history: history, notices: facts.notices(for: debit)))
    }
}
