import ConsentRules
import Hummingbird

/// `PUT /v1/consents/{id}/card` (CONTRACT.md, "Card updates").
struct CardController {
    let store: CardStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.put("consents/{id}/card", use: update)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let body = try await RequestBody.json(request)
        return .json(try await store.update(consentId: context.consentId, body: body, keyHash: keyHash))
    }
}
