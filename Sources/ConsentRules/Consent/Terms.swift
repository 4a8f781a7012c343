/// `scheduled`: a subscription with a schedule; `unscheduled`: merchant-initiated debits without one.
public enum TermsType: String, Sendable, CaseIterable {
    case scheduled, unscheduled
}

public enum AmountType: String, Sendable, CaseIterable {
    case fixed, variable
}

public enum DateType: String, Sendable, CaseIterable {
    case fixed, variable
}

/// How often a scheduled consent debits.
public enum Frequency: Hashable, Sendable {
    /// On the first debit's day of month, clamped to the last day of shorter months.
    case monthly
    /// Every `n` days, 1...366.
    case everyDays(Int)

    /// `{"interval":"monthly"}` or `{"interval":"custom","days":N}`.
    public var json: JSONValue {
        switch self {
        case .monthly: ["interval": "monthly"]
        case .everyDays(let days): ["interval": "custom", "days": .integer(days)]
        }
    }
}

/// What the consumer agreed to be charged, and when.
public struct Terms: Hashable, Sendable {
    public let type: TermsType
    public let amount: Money
    public let amountType: AmountType
    /// Only with a variable amount; in the same currency as `amount` and not below it.
    public let maxAmount: Money?
    /// Required for scheduled terms.
    public let firstDebitDate: LocalDate?
    public let dateType: DateType
    /// Present exactly for scheduled terms.
    public let frequency: Frequency?
    public let endDate: LocalDate?
    /// The agreed way of computing variable amounts or dates.
    public let objectiveCriteria: String?

    public init(
        type: TermsType, amount: Money, amountType: AmountType, maxAmount: Money?, firstDebitDate: LocalDate?,
        dateType: DateType, frequency: Frequency?, endDate: LocalDate?, objectiveCriteria: String?
    ) {
        self.type = type
        self.amount = amount
        self.amountType = amountType
        self.maxAmount = maxAmount
        self.firstDebitDate = firstDebitDate
        self.dateType = dateType
        self.frequency = frequency
        self.endDate = endDate
        self.objectiveCriteria = objectiveCriteria
    }

    public var currency: Currency { amount.currency }

    /// The contract's JSON shape; absent optional fields are `null`.
    public var json: JSONValue {
        [
            "type": .string(type.rawValue),
            "amount": .string(amount.decimalString),
            "currency": .string(amount.currency.code),
            "amountType": .string(amountType.rawValue),
            "maxAmount": maxAmount.map { .string($0.decimalString) } ?? .null,
            "firstDebitDate": firstDebitDate.map { .string($0.iso) } ?? .null,
            "dateType": .string(dateType.rawValue),
            "frequency": frequency?.json ?? .null,
            "endDate": endDate.map { .string($0.iso) } ?? .null,
            "objectiveCriteria": objectiveCriteria.map(JSONValue.string) ?? .null,
        ]
    }
}
