import ConsentRules

/// The body of `POST /v1/consents/{id}/debits`: `{"amount": "12.40", "currency": "EUR", "date": "2026-12-20"}`.
enum DebitInput {
    static let fields: Set<String> = ["amount", "currency", "date"]

    static func parse(_ body: JSONValue) throws -> DebitRequest {
        guard case .object(let object) = body else {
            throw APIError.validation("", "The body must be a JSON object.")
        }
        var errors = object.keys.sorted().filter { !fields.contains($0) }.map {
            FieldError(field: $0, message: "unknown field")
        }
        func text(_ name: String) -> String? {
            switch object[name] {
            case .string(let value)?: return value
            case nil, .null?: return nil
            default:
                errors.append(FieldError(field: name, message: "must be a string"))
                return ""
            }
        }
        let amount = text("amount")
        let currency = text("currency")
        let date = text("date")
        switch DebitRequest.parse(amount: amount, currency: currency, date: date) {
        case .valid(let debit) where errors.isEmpty:
            return debit
        case .valid:
            throw APIError.validation(errors)
        case .invalid(let problems):
            // A non-string value is reported once, as such, rather than again as a malformed one.
            let typed = Set(errors.map(\.field))
            throw APIError.validation(errors + problems.filter { !typed.contains($0.field) })
        }
    }
}
