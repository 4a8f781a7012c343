import ConsentRules
import Foundation

/// A stored consent: the terms the consumer agreed to and everything that has happened to them since.
struct ConsentRecord: Sendable {
    struct Cancellation: Sendable {
        let requestedBy: String
        let requestedAt: Instant
        let effectiveAt: Instant
        let reason: String?
    }

    let id: UUID
    let merchantId: String
    var status: ConsentStatus
    let requestHash: String
    var draft: ConsentDraft
    /// An account updater said the card in force is closed; cleared when another card is recorded.
    var cardAccountClosed = false
    let disclosureSha256: String
    var initialPaymentId: String?
    var activatedAt: Instant?
    let expiresAt: Instant
    let policyVersion: Int
    let confirmationDueBy: LocalDate
    var confirmationSentAt: Instant?
    var cancellation: Cancellation?
    var retainUntil: LocalDate?
    var legalHold: Bool
    var lastEventSeq: Int
    var lastEventHash: String
    let createdAt: Instant
    var updatedAt: Instant

    func effectiveStatus(at now: Instant) -> ConsentStatus {
        status.effective(expiresAt: expiresAt, at: now)
    }
}
