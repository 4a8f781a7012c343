import ConsentRules

/// The body of `POST /v1/consents/{id}/cancel`: `{"requestedBy": "consumer", "reason": "…", "requestedAt": "…"}`.
struct CancellationInput: Sendable {
    let requestedBy: String
    let reason: String?
    /// Nil: the moment of the call.
    let requestedAt: Instant?

    static let fields: Set<String> = ["requestedBy", "reason", "requestedAt"]
    static let maxReasonLength = 500

    static func parse(_ body: JSONValue, now: Instant) throws -> CancellationInput {
        guard case .object(let object) = body else {
            throw APIError.validation("", "The body must be a JSON object.")
        }
        var errors = object.keys.sorted().filter { !fields.contains($0) }.map {
            FieldError(field: $0, message: "unknown field")
        }
        var requestedBy: String?
        switch object["requestedBy"] {
        case .string(let who)? where who == "consumer" || who == "merchant": requestedBy = who
        case nil, .null?: errors.append(FieldError(field: "requestedBy", message: "is required"))
        default: errors.append(FieldError(field: "requestedBy", message: "must be consumer or merchant"))
        }
        var reason: String?
        switch object["reason"] {
        case nil, .null?:
            break
        case .string(let text)?:
            if let problem = TextProblems.singleLine(maximumLength: maxReasonLength)(text) {
                errors.append(FieldError(field: "reason", message: problem))
            } else {
                reason = text
            }
        default:
            errors.append(FieldError(field: "reason", message: "must be a string"))
        }
        var requestedAt: Instant?
        switch object["requestedAt"] {
        case nil, .null?: break
        case .string(let text)?:
            if let instant = Instant(rfc3339: text), instant <= now {
                requestedAt = instant
            } else {
                errors.append(FieldError(field: "requestedAt", message: "must be an RFC 3339 time, not in the future"))
            }
        default:
            errors.append(FieldError(field: "requestedAt", message: "must be an RFC 3339 time, not in the future"))
        }
        guard errors.isEmpty, let requestedBy else { throw APIError.validation(errors) }
        return CancellationInput(requestedBy: requestedBy, reason: reason, requestedAt: requestedAt)
    }
}
