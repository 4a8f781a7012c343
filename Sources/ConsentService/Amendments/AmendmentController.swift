import ConsentRules
import Foundation
import Hummingbird

/// Routes of CONTRACT.md "Agreements that change (amendments)".
struct AmendmentController {
    let store: AmendmentStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("consents/{id}/amendments", use: amend)
        group.get("consents/{id}/amendments", use: list)
        group.delete("consents/{id}/amendments/{amendmentId}", use: withdraw)
    }

    @Sendable func amend(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let body = try await RequestBody.json(request)
        return .json(try await store.amend(consentId: context.consentId, body: body, keyHash: keyHash), status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        return .json(try await store.versions(consentId: context.consentId, keyHash: keyHash))
    }

    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let amendmentId = context.parameters.get("amendmentId").flatMap(UUID.init(canonicalText:))
        guard let amendmentId else { throw APIError.amendmentNotFound }
        return .json(try await store.withdraw(consentId: context.consentId, amendmentId: amendmentId, keyHash: keyHash))
    }
}
