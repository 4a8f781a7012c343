import ConsentRules
import Hummingbird

/// `POST /v1/consents/{id}/payments` (CONTRACT.md, "Debits, payments, validity").
struct PaymentController {
    let store: PaymentStore
    let clock: AppClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("consents/{id}/payments", use: record)
    }

    @Sendable func record(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let input = try PaymentInput.parse(try await RequestBody.json(request), now: clock.now())
        let outcome = try await store.record(consentId: context.consentId, input: input, keyHash: keyHash)
        return .json(outcome.json, status: outcome.created ? .created : .ok)
    }
}
