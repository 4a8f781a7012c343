import ConsentRules

/// The body of `POST /v1/consents/{id}/payments`:
/// `{"paymentId", "amount", "currency", "executedAt", "status": "approved"|"declined", "final": false}`.
struct PaymentInput: Sendable {
    let paymentId: String
    let amount: Money
    let executedAt: Instant
    let approved: Bool
    let final: Bool
    /// Of the canonical body: a repeated paymentId is the same report only when this matches.
    let requestHash: String

    static let fields: Set<String> = ["paymentId", "amount", "currency", "executedAt", "status", "final"]

    static func parse(_ body: JSONValue, now: Instant) throws -> PaymentInput {
        guard case .object(let object) = body else {
            throw APIError.validation("", "The body must be a JSON object.")
        }
        var errors = object.keys.sorted().filter { !fields.contains($0) }.map {
            FieldError(field: $0, message: "unknown field")
        }
        let paymentId = GatewayIdentifier.check(object["paymentId"], field: "paymentId", required: true, into: &errors)
        var money: Money?
        let amount = Self.text(object["amount"], field: "amount", into: &errors)
        let currency = Self.text(object["currency"], field: "currency", into: &errors)
        if let amount, let currency {
            let (parsed, problems) = AmountField.parse(amount: amount, currency: currency)
            money = parsed
            errors += problems
        }
        for (name, value) in [("amount", object["amount"]), ("currency", object["currency"])] where Self.isAbsent(value) {
            errors.append(FieldError(field: name, message: "is required"))
        }
        var executedAt: Instant?
        if case .string(let text)? = object["executedAt"], let instant = Instant(rfc3339: text), instant <= now {
            executedAt = instant
        } else {
            errors.append(FieldError(field: "executedAt", message: "must be an RFC 3339 time, not in the future"))
        }
        var approved: Bool?
        switch object["status"] {
        case "approved"?: approved = true
        case "declined"?: approved = false
        default: errors.append(FieldError(field: "status", message: "must be approved or declined"))
        }
        var final = false
        switch object["final"] {
        case nil, .null?: break
        case .bool(let value)?: final = value
        default: errors.append(FieldError(field: "final", message: "must be true or false"))
        }
        guard errors.isEmpty, let paymentId, let money, let executedAt, let approved else {
            throw APIError.validation(errors)
        }
        return PaymentInput(
            paymentId: paymentId, amount: money, executedAt: executedAt, approved: approved, final: final,
            requestHash: Digest.sha256Hex(body.serialized()))
    }

    private static func isAbsent(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: true
        default: false
        }
    }

    /// A string member, or nil (with an error when it is present but not a string).
    private static func text(_ value: JSONValue?, field: String, into errors: inout [FieldError]) -> String? {
        switch value {
        case .string(let text)?: return text
        case nil, .null?: return nil
        default:
            errors.append(FieldError(field: field, message: "must be a string"))
            return nil
        }
    }
}
