import ConsentRules

/// The query of `GET /v1/consents/{id}/dispute-evidence`: `paymentId` and `reason`, both required.
struct DisputeRequest: Sendable {
    let paymentId: String
    let reason: DisputeReason

    static func parse(paymentId: String?, reason: String?) throws -> DisputeRequest {
        var errors: [FieldError] = []
        if paymentId?.isEmpty ?? true { errors.append(FieldError(field: "paymentId", message: "is required")) }
        let parsedReason = reason.flatMap(DisputeReason.init(rawValue:))
        if parsedReason == nil {
            let known = DisputeReason.allCases.map(\.rawValue).joined(separator: " or ")
            errors.append(FieldError(field: "reason", message: reason == nil ? "is required" : "must be \(known)"))
        }
        guard errors.isEmpty, let paymentId, let parsedReason else { throw APIError.validation(errors) }
        return DisputeRequest(paymentId: paymentId, reason: parsedReason)
    }
}
