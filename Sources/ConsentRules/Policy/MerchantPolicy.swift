/// The periods a merchant's consents are held to. Every computed deadline records the policy `version` it came
/// from, because a merchant may later be given a stricter policy and old deadlines must stay explainable.
public struct MerchantPolicy: Hashable, Sendable {
    public let version: Int
    /// Confirmation email due within this many business days of acceptance.
    public let confirmationBusinessDays: Int
    /// Pre-debit notices at least this many calendar days ahead.
    public let noticeDays: Int
    /// Records kept this many months after the final payment.
    public let retentionMonths: Int
    /// A pending consent expires when not activated within this many seconds of its creation.
    public let activationWindowSeconds: Int
    /// Amendments by notice may also raise what the consumer can be charged; without it an increase needs the
    /// consumer's acceptance.
    public let increasesByNotice: Bool
    /// A consumer whose card expires before a scheduled debit is reminded this many days before that debit.
    public let cardReminderDays: Int

    public init(
        version: Int, confirmationBusinessDays: Int, noticeDays: Int, retentionMonths: Int,
        activationWindowSeconds: Int, increasesByNotice: Bool = false, cardReminderDays: Int = 30
    ) {
        self.version = version
        self.confirmationBusinessDays = confirmationBusinessDays
        self.noticeDays = noticeDays
        self.retentionMonths = retentionMonths
        self.activationWindowSeconds = activationWindowSeconds
        self.increasesByNotice = increasesByNotice
        self.cardReminderDays = cardReminderDays
    }

    /// The contract's periods: 2 business days, 14 days, 18 months, 24 hours.
    public static let defaults = MerchantPolicy(
        version: 1, confirmationBusinessDays: 2, noticeDays: 14, retentionMonths: 18, activationWindowSeconds: 86_400)

    public var json: JSONValue {
        [
            "version": .integer(version),
            "confirmationBusinessDays": .integer(confirmationBusinessDays),
            "noticeDays": .integer(noticeDays),
            "retentionMonths": .integer(retentionMonths),
            "activationWindowSeconds": .integer(activationWindowSeconds),
            "increasesByNotice": .bool(increasesByNotice),
            "cardReminderDays": .integer(cardReminderDays),
        ]
    }
}
