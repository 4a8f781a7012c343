/// How new terms differ from the terms in force, as the consumer feels it.
public enum TermsChange {
    /// The fields of `new` that let the merchant charge more than `old` does, in the contract's field order: a
    /// higher fixed amount, a higher (or removed) maximum, a fixed amount or date becoming variable, a later or
    /// removed end, debits more often. Empty when the change only lowers or moves what is charged.
    public static func raises(from old: Terms, to new: Terms) -> [String] {
        var raised: [String] = []
        switch (old.amountType, new.amountType) {
        case (.fixed, .fixed) where new.amount.minorUnits > old.amount.minorUnits:
            raised.append("amount")
        case (.fixed, .variable):
            raised.append("amountType")
        case (.variable, .variable) where ceiling(of: new) > ceiling(of: old):
            raised.append("maxAmount")
        default:
            break
        }
        if old.dateType == .fixed, new.dateType == .variable { raised.append("dateType") }
        if let oldFrequency = old.frequency, let newFrequency = new.frequency,
            debitsPerFourYears(newFrequency) > debitsPerFourYears(oldFrequency)
        {
            raised.append("frequency")
        }
        if let oldEnd = old.endDate, new.endDate.map({ $0 > oldEnd }) ?? true { raised.append("endDate") }
        return raised
    }

    /// The most one variable debit may be: its maximum, or no limit without one.
    private static func ceiling(of terms: Terms) -> Int64 {
        terms.maxAmount?.minorUnits ?? Int64.max
    }

    /// How many debits a schedule takes over four years (1,461 days, 48 months), so a monthly schedule and one of
    /// a number of days compare without rounding.
    private static func debitsPerFourYears(_ frequency: Frequency) -> Double {
        switch frequency {
        case .monthly: 48
        case .everyDays(let days): 1_461 / Double(days)
        }
    }
}
