import ConsentRules

/// The body of `POST /v1/consents/{id}/activate`.
struct ActivationInput: Sendable {
    let recurrenceId: String
    let initialPaymentId: String?

    static func parse(_ body: JSONValue) throws -> ActivationInput {
        guard case .object(let object) = body else {
            throw APIError.validation("", "The body must be a JSON object.")
        }
        var errors: [FieldError] = []
        for key in object.keys.sorted() where key != "recurrenceId" && key != "initialPaymentId" {
            errors.append(FieldError(field: key, message: "unknown field"))
        }
        let recurrenceId = GatewayIdentifier.check(object["recurrenceId"], field: "recurrenceId", required: true, into: &errors)
        let initialPaymentId = GatewayIdentifier.check(
            object["initialPaymentId"], field: "initialPaymentId", required: false, into: &errors)
        guard errors.isEmpty, let recurrenceId else { throw APIError.validation(errors) }
        return ActivationInput(recurrenceId: recurrenceId, initialPaymentId: initialPaymentId)
    }
}

/// Identifiers issued by the payment gateway: printable ASCII without spaces, at most 255 characters.
enum GatewayIdentifier {
    static func isValid(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 255 && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    static func check(_ value: JSONValue?, field: String, required: Bool, into errors: inout [FieldError]) -> String? {
        switch value {
        case nil, .null?:
            if required { errors.append(FieldError(field: field, message: "is required")) }
            return nil
        case .string(let text)?:
            guard isValid(text) else {
                errors.append(FieldError(field: field, message: "must be 1–255 printable ASCII characters without spaces"))
                return nil
            }
            return text
        default:
            errors.append(FieldError(field: field, message: "must be a string"))
            return nil
        }
    }
}
