import ConsentRules
import Hummingbird

/// `POST /v1/consents/{id}/cancel` (CONTRACT.md, "Cancellation").
struct CancellationController {
    let store: CancellationStore
    let clock: AppClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("consents/{id}/cancel", use: cancel)
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let input = try CancellationInput.parse(try await RequestBody.json(request), now: clock.now())
        return .json(try await store.cancel(consentId: context.consentId, input: input, keyHash: keyHash))
    }
}
