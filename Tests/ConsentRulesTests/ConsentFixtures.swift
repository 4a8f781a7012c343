@testable import ConsentRules

/// A valid consent body (the contract's example, with a variable amount so that its `maxAmount` is allowed), and the
/// clock it is valid at.
enum ConsentFixtures {
    static let bodyText = #"""
    {
      "merchantReference": "order-8841",
      "consumer": {"firstName": "Darrel", "lastName": "Keeling", "email": "darrel@example.com",
                   "phone": "+37066666666", "language": "en"},
      "terms": {
        "type": "scheduled",
        "amount": "10.23", "currency": "EUR",
        "amountType": "variable",
        "maxAmount": "50.00",
        "firstDebitDate": "2026-12-15",
        "dateType": "fixed",
        "frequency": {"interval": "custom", "days": 15},
        "endDate": "2028-12-15",
        "objectiveCriteria": "text agreed with the consumer for computing variable amounts or dates"
      },
      "communication": {"method": "email", "address": "darrel@example.com"},
      "card": {"brand": "VISA", "last4": "1096", "expiryMonth": 12, "expiryYear": 2028},
      "evidence": {"acceptedAt": "2026-11-21T10:15:00Z", "ipAddress": "235.114.187.1",
                   "userAgent": "Mozilla/5.0 ...", "disclosureText": "the exact text the consumer agreed to",
                   "disclosureVersion": "2026-11"},
      "recurrenceId": "700f6eda-1af5-4a77-9605-988845aac875"
    }
    """#

    static var body: JSONValue {
        do {
            return try JSONValue.parse(Array(bodyText.utf8))
        } catch {
            preconditionFailure("fixture is not JSON: \(error)")
        }
    }

    static let now = Instant(rfc3339: "2026-11-21T12:00:00Z")!
    static let today = LocalDate(iso: "2026-11-21")!

    static func validate(_ body: JSONValue, now: Instant = now, today: LocalDate = today) -> ConsentDraftValidation {
        ConsentDraftValidator.validate(body, now: now, today: today)
    }

    /// The field errors of `body`, or nil when it is valid or holds a card number.
    static func errors(_ body: JSONValue, now: Instant = now, today: LocalDate = today) -> [FieldError]? {
        if case .invalid(let errors) = validate(body, now: now, today: today) { return errors }
        return nil
    }

    static func draft(_ body: JSONValue, now: Instant = now, today: LocalDate = today) -> ConsentDraft? {
        if case .valid(let draft) = validate(body, now: now, today: today) { return draft }
        return nil
    }
}

extension JSONValue {
    /// A copy with the member at a dotted `path` replaced, or removed when `value` is nil.
    func setting(_ path: String, to value: JSONValue?) -> JSONValue {
        let keys = path.split(separator: ".").map(String.init)
        return setting(keys[...], to: value)
    }

    private func setting(_ keys: ArraySlice<String>, to value: JSONValue?) -> JSONValue {
        guard let key = keys.first, case .object(var members) = self else { return self }
        if keys.count == 1 {
            members[key] = value
        } else {
            members[key] = (members[key] ?? .object([:])).setting(keys.dropFirst(), to: value)
        }
        return .object(members)
    }
}
