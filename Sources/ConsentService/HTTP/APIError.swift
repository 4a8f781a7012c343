import ConsentRules
import Hummingbird

/// An error answered with the contract's body: `{"error": {"code", "message", "fields"}}`.
struct APIError: HTTPResponseError {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: String
        var description: String { rawValue }

        static let unauthorized = Code(rawValue: "unauthorized")
        static let forbidden = Code(rawValue: "forbidden")
        static let notFound = Code(rawValue: "not_found")
        static let methodNotAllowed = Code(rawValue: "method_not_allowed")
        static let malformedJSON = Code(rawValue: "malformed_json")
        static let payloadTooLarge = Code(rawValue: "payload_too_large")
        static let unsupportedMediaType = Code(rawValue: "unsupported_media_type")
        static let validationFailed = Code(rawValue: "validation_failed")
        static let cardNumberNotAllowed = Code(rawValue: "card_number_not_allowed")
        static let idempotencyKeyReused = Code(rawValue: "idempotency_key_reused")
        static let duplicateMerchantReference = Code(rawValue: "duplicate_merchant_reference")
        static let duplicateRecurrenceId = Code(rawValue: "duplicate_recurrence_id")
        static let invalidState = Code(rawValue: "invalid_state")
        static let paymentIdReused = Code(rawValue: "payment_id_reused")
        static let tooManyEndpoints = Code(rawValue: "too_many_endpoints")
        static let tooManyExports = Code(rawValue: "too_many_exports")
        static let amendmentPending = Code(rawValue: "amendment_pending")
        static let consumerConsentRequired = Code(rawValue: "consumer_consent_required")
        static let serviceUnavailable = Code(rawValue: "service_unavailable")
        static let internalError = Code(rawValue: "internal_error")
    }

    let status: HTTPResponse.Status
    let code: Code
    let message: String
    var fields: [FieldError] = []
    /// Sent as `Retry-After` when set.
    var retryAfterSeconds: Int? = nil
    /// Members of the error object beside code, message and fields, for what a client needs to act on it.
    var details: [String: JSONValue] = [:]

    var body: JSONValue {
        var error = details
        error["code"] = .string(code.rawValue)
        error["message"] = .string(message)
        if !fields.isEmpty {
            error["fields"] = .array(fields.map { .object(["field": .string($0.field), "message": .string($0.message)]) })
        }
        return .object(["error": .object(error)])
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json(body, status: status)
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        return response
    }
}

extension APIError {
    static let unauthorized = APIError(
        status: .unauthorized, code: .unauthorized, message: "A valid API key is required: Authorization: Bearer <key>.")
    static let forbidden = APIError(
        status: .forbidden, code: .forbidden, message: "This key's role may not perform this operation.")
    static let consentNotFound = APIError(status: .notFound, code: .notFound, message: "No such consent.")
    static let serviceUnavailable = APIError(
        status: .serviceUnavailable, code: .serviceUnavailable,
        message: "The database is not reachable right now; retry shortly.", retryAfterSeconds: 2)

    static func validation(_ fields: [FieldError]) -> APIError {
        APIError(
            status: .unprocessableContent, code: .validationFailed,
            message: "The request has \(fields.count) invalid field\(fields.count == 1 ? "" : "s").", fields: fields)
    }

    static func validation(_ field: String, _ message: String) -> APIError {
        validation([FieldError(field: field, message: message)])
    }

    static let cardNumber = APIError(
        status: .unprocessableContent, code: .cardNumberNotAllowed,
        message: "The request contains a full card number; send only the brand, last four digits and expiry.")

    static func tooManyExports(retryAfterSeconds: Int) -> APIError {
        APIError(
            status: .tooManyRequests, code: .tooManyExports,
            message: "Too many exports are running for this merchant or this instance; retry once one has finished.",
            retryAfterSeconds: retryAfterSeconds)
    }

    static let amendmentNotFound = APIError(status: .notFound, code: .notFound, message: "No such amendment.")

    /// `pending` is the waiting version as the consent's reads show it.
    static func amendmentPending(version: Int, effectiveFrom: LocalDate, pending: JSONValue) -> APIError {
        APIError(
            status: .conflict, code: .amendmentPending,
            message: "Version \(version) takes effect on \(effectiveFrom.iso); withdraw it before amending again.",
            details: ["pendingAmendment": pending])
    }

    static func effectiveTooSoon(earliest: LocalDate, noticeDays: Int) -> APIError {
        APIError(
            status: .unprocessableContent, code: .validationFailed,
            message: "A change by notice takes effect at least \(noticeDays) days after today.",
            fields: [FieldError(field: "effectiveFrom", message: "must be on or after \(earliest.iso)")],
            details: ["earliestEffectiveFrom": .string(earliest.iso)])
    }

    static func consumerConsentRequired(_ fields: [String]) -> APIError {
        APIError(
            status: .unprocessableContent, code: .consumerConsentRequired,
            message: "This change lets the merchant charge more; it needs the consumer's acceptance (evidence).",
            fields: fields.map { FieldError(field: "terms." + $0, message: "raises what the consumer can be charged") })
    }

    static func invalidState(_ message: String) -> APIError {
        APIError(status: .conflict, code: .invalidState, message: message)
    }
}
