/// The duties the compliance report checks (CONTRACT.md, "Compliance report"), in the report's order.
public enum ComplianceDuty: String, Sendable, CaseIterable {
    case confirmation
    case amendmentConfirmation = "amendment_confirmation"
    case preDebitNotice = "pre_debit_notice"
    case amendmentNotice = "amendment_notice"
    case cardExpiryReminder = "card_expiry_reminder"
    case paymentAfterCancellation = "payment_after_cancellation"
    case purgeDue = "purge_due"
    case legalHold = "legal_hold"

    /// Every outcome the duty can have, each a line of the report even when nothing had it.
    public var outcomes: [DutyOutcome] {
        switch self {
        case .confirmation, .amendmentConfirmation: [.sentOnTime, .sentLate, .overdueUnsent, .notYetDue]
        case .preDebitNotice, .amendmentNotice, .cardExpiryReminder:
            [.sentOnTime, .sentLate, .failed, .missing, .withdrawn, .notYetDue]
        case .paymentAfterCancellation: [.recorded]
        case .purgeDue: [.dueWithin30Days]
        case .legalHold: [.held]
        }
    }
}

/// How one instance of a duty turned out.
public enum DutyOutcome: String, Sendable, CaseIterable {
    case sentOnTime = "sent_on_time"
    case sentLate = "sent_late"
    /// A confirmation whose due day has ended without it being sent.
    case overdueUnsent = "overdue_unsent"
    /// The mail server refused the message for good.
    case failed
    /// Still unsent after its last day, for a debit or change that was announced.
    case missing
    /// Taken back before it was sent, because the consent was cancelled or the change withdrawn.
    case withdrawn
    /// Not sent yet, and its last day has not ended.
    case notYetDue = "not_yet_due"
    case recorded
    case dueWithin30Days = "due_within_30_days"
    case held

    /// Outcomes that are a breach of the duty: what compliance staff must look at.
    public var isBreach: Bool {
        switch self {
        case .sentLate, .overdueUnsent, .failed, .missing, .recorded: true
        case .sentOnTime, .withdrawn, .notYetDue, .dueWithin30Days, .held: false
        }
    }
}
