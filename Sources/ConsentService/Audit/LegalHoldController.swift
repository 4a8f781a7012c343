import Hummingbird

/// `POST` and `DELETE /v1/consents/{id}/legal-hold` (admin; CONTRACT.md, "Retention").
struct LegalHoldController {
    let store: LegalHoldStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("consents/{id}/legal-hold", use: set)
        group.delete("consents/{id}/legal-hold", use: release)
    }

    @Sendable func set(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let reason = try LegalHoldStore.reason(of: try await RequestBody.json(request))
        return .json(try await store.change(consentId: context.consentId, reason: reason, keyHash: keyHash))
    }

    @Sendable func release(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        return .json(try await store.change(consentId: context.consentId, reason: nil, keyHash: keyHash))
    }
}
