/// What the service may know of the card: never its number.
public struct Card: Hashable, Sendable {
    public let brand: String
    public let last4: String
    public let expiryMonth: Int
    public let expiryYear: Int

    public init(brand: String, last4: String, expiryMonth: Int, expiryYear: Int) {
        self.brand = brand
        self.last4 = last4
        self.expiryMonth = expiryMonth
        self.expiryYear = expiryYear
    }

    /// The last day the card can be charged: cards are valid through the end of their expiry month.
    public var lastValidDate: LocalDate {
        LocalDate.lastDay(ofMonth: expiryMonth, year: expiryYear)
    }

    public func isExpired(on date: LocalDate) -> Bool {
        date > lastValidDate
    }

    public var json: JSONValue {
        [
            "brand": .string(brand),
            "last4": .string(last4),
            "expiryMonth": .integer(expiryMonth),
            "expiryYear": .integer(expiryYear),
        ]
    }
}
