/// Every kind of message the outbox carries. A new kind is one case here; an email kind also needs its
/// templates, which the template check at start insists on.
public enum OutboxKind: String, CaseIterable, Sendable {
    case confirmation
    case notice
    case cancellation
    /// New terms the merchant announces, old and new side by side, ahead of the date they take effect.
    case amendmentNotice = "amendment_notice"
    /// Confirms new terms the consumer accepted.
    case amendmentConfirmation = "amendment_confirmation"
    /// Tells the consumer an announced or accepted change will not happen after all.
    case amendmentWithdrawn = "amendment_withdrawn"
    /// Tells the consumer their card expires before the next scheduled debit.
    case cardExpiring = "card_expiring"
    /// A post to one of the merchant's webhook endpoints, queued by the database itself (migration 0007).
    case webhook

    /// The kinds that are emails to the consumer, each with its templates.
    public static let emails = allCases.filter(\.isEmail)

    public var isEmail: Bool { self != .webhook }

    /// An email of this kind must carry the cancel link; the cancellation's own confirmation need not.
    var requiresCancelLink: Bool { self != .cancellation }

    /// The emails that show a change of terms, old and new.
    public var isAboutAnAmendment: Bool {
        self == .amendmentNotice || self == .amendmentConfirmation || self == .amendmentWithdrawn
    }
}
