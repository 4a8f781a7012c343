import ConsentRules
import Hummingbird

/// `POST /v1/consents/{id}/payments` (CONTRACT.md, "Debits, payments, validity") and the payment history of a
/// consent or recurrence ("Payment history").
struct PaymentController {
    let store: PaymentStore
    let history: PaymentHistory
    let clock: AppClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("consents/{id}/payments", use: record)
        group.get("consents/{id}/payments", use: historyOfConsent)
        group.get("recurrences/{recurrenceId}/payments", use: historyOfRecurrence)
    }

    @Sendable func historyOfConsent(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let (limit, after) = try Self.page(request)
        return .json(
            try await history.history(
                ConsentQueries.readById, match: context.consentId, keyHash: keyHash, limit: limit, after: after))
    }

    @Sendable func historyOfRecurrence(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let (limit, after) = try Self.page(request)
        return .json(
            try await history.history(
                ConsentQueries.readByRecurrence, match: context.textParameter("recurrenceId"), keyHash: keyHash,
                limit: limit, after: after))
    }

    /// `limit` (1–1000, default 100) and `after` (the previous page's `nextAfter`), every bad one named.
    static func page(_ request: Request) throws -> (Int, String?) {
        let parameters = request.uri.queryParameters
        var errors: [FieldError] = []
        let limit = PageLimit.parse(parameters.get("limit"), into: &errors)
        let after = parameters.get("after")
        if let after, after.isEmpty || after.utf8.count > 255 {
            errors.append(FieldError(field: "after", message: "must be a paymentId"))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return (limit, after.map(AppRequestContext.lookupText))
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let input = try PaymentInput.parse(try await RequestBody.json(request), now: clock.now())
        let outcome = try await store.record(consentId: context.consentId, input: input, keyHash: keyHash)
        return .json(outcome.json, status: outcome.created ? .created : .ok)
    }
}
