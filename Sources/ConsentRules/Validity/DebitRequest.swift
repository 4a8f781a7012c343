/// The debit a billing system asks about or announces: an amount in a currency on a day.
public struct DebitRequest: Sendable, Hashable {
    public let amount: Money
    public let date: LocalDate

    public init(amount: Money, date: LocalDate) {
        self.amount = amount
        self.date = date
    }

    /// Reads the three values as text (query parameters or JSON strings), reporting every bad one at once. An
    /// amount must be a positive decimal with no more places than its currency has.
    public static func parse(amount: String?, currency: String?, date: String?) -> DebitRequestParse {
        let (parsedAmount, amountErrors) = AmountField.parse(amount: amount, currency: currency)
        var errors = amountErrors
        var parsedDate: LocalDate?
        if let date {
            parsedDate = LocalDate(iso: date)
            if parsedDate == nil { errors.append(FieldError(field: "date", message: "must be a real date, YYYY-MM-DD")) }
        } else {
            errors.append(FieldError(field: "date", message: "is required"))
        }
        guard errors.isEmpty, let parsedAmount, let parsedDate else { return .invalid(errors) }
        return .valid(DebitRequest(amount: parsedAmount, date: parsedDate))
    }
}

public enum DebitRequestParse: Sendable, Equatable {
    case valid(DebitRequest)
    /// Every bad field at once.
    case invalid([FieldError])
}

/// An amount and its currency given as text, as in the contract's bodies and queries.
public enum AmountField {
    /// The money, or every problem with the two fields. An amount must be a positive decimal with no more
    /// places than its currency has.
    public static func parse(amount: String?, currency: String?) -> (Money?, [FieldError]) {
        var errors: [FieldError] = []
        let parsedCurrency: Currency?
        switch currency {
        case nil:
            errors.append(FieldError(field: "currency", message: "is required"))
            parsedCurrency = nil
        case let code?:
            parsedCurrency = Currency.iso4217(code)
            if parsedCurrency == nil {
                errors.append(FieldError(field: "currency", message: "must be an ISO 4217 currency code such as EUR"))
            }
        }
        guard let amount else {
            errors.append(FieldError(field: "amount", message: "is required"))
            return (nil, errors)
        }
        // An unknown currency still lets the amount's own format be checked, with two decimals allowed.
        switch Money.parse(amount, currency: parsedCurrency ?? Currency(code: "XXX", minorUnits: 2)) {
        case .success(let money) where money.minorUnits == 0:
            errors.append(FieldError(field: "amount", message: "must be greater than zero"))
        case .success(let money):
            return (parsedCurrency == nil ? nil : money, errors)
        case .failure(.negative):
            errors.append(FieldError(field: "amount", message: "must not be negative"))
        case .failure(.tooManyDecimals(let allowed)):
            errors.append(FieldError(field: "amount", message: "has more than \(allowed) decimal places"))
        case .failure(.tooLarge):
            errors.append(FieldError(field: "amount", message: "is too large"))
        case .failure(.notADecimal):
            errors.append(FieldError(field: "amount", message: "must be a decimal string such as 12.40"))
        }
        return (nil, errors)
    }
}
