extension ConsentDraftValidator {
    static let cardKeys: Set<String> = ["brand", "last4", "expiryMonth", "expiryYear"]
    static let expiryYears = 2000...2100

    static func readCard(_ root: JSONObjectFields, today: LocalDate, _ report: inout ValidationReport) -> Card? {
        guard case .present(let fields) = report.object("card", of: root, required: true, allowedKeys: cardKeys)
        else { return nil }
        return readCardFields(fields, today: today, &report)
    }

    /// The card's four fields of `fields`, checked as at capture: an expired card is refused.
    static func readCardFields(_ fields: JSONObjectFields, today: LocalDate, _ report: inout ValidationReport) -> Card? {
        let brand = report.checkedString("brand", of: fields, required: true) { text in
            isCardBrand(text) ? nil : "must be 1 to 20 letters, digits, spaces, underscores or hyphens"
        }
        let last4 = report.checkedString("last4", of: fields, required: true) { text in
            text.utf8.count == 4 && text.utf8.allSatisfy(ASCII.isDigit) ? nil : "must be exactly 4 digits"
        }
        let expiryMonth = report.integer("expiryMonth", of: fields, in: 1...12)
        let expiryYear = report.integer("expiryYear", of: fields, in: expiryYears)

        if let month = expiryMonth.value, let year = expiryYear.value, LocalDate.lastDay(ofMonth: month, year: year) < today {
            // Cards are valid through the last day of their expiry month.
            report.add(fields.path(of: "expiryYear"), "the card has expired")
            return nil
        }
        guard let brand = brand.value, let last4 = last4.value, let month = expiryMonth.value, let year = expiryYear.value
        else { return nil }
        return Card(brand: brand, last4: last4, expiryMonth: month, expiryYear: year)
    }

    private static func isCardBrand(_ text: String) -> Bool {
        let bytes = text.utf8
        return (1...20).contains(bytes.count)
            && !TextRules.isBlank(text)
            && bytes.allSatisfy { ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == ASCII.space || $0 == UInt8(ascii: "_") || $0 == ASCII.minus }
    }
}
