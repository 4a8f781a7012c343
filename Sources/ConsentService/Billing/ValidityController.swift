import ConsentRules
import Hummingbird

/// `GET /v1/consents/{id}/validity` and `GET /v1/recurrences/{recurrenceId}/validity` (CONTRACT.md, "Debits,
/// payments, validity"): side-effect free.
struct ValidityController {
    let store: ValidityStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("consents/{id}/validity", use: byId)
        group.get("recurrences/{recurrenceId}/validity", use: byRecurrence)
    }

    @Sendable func byId(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let debit = try Self.debit(request)
        return .json(
            try await store.decide(consentId: context.consentId, debit: debit, keyHash: keyHash))
    }

    @Sendable func byRecurrence(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let debit = try Self.debit(request)
        return .json(
            try await store.decide(
                recurrenceId: context.textParameter("recurrenceId"), debit: debit, keyHash: keyHash))
    }

    static func debit(_ request: Request) throws -> DebitRequest {
        let query = request.uri.queryParameters
        switch DebitRequest.parse(
            amount: query.get("amount"), currency: query.get("currency"), date: query.get("date"))
        {
        case .valid(let debit): return debit
        case .invalid(let errors): throw APIError.validation(errors)
        }
    }
}
