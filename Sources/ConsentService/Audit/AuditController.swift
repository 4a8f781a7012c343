import Hummingbird

/// `GET /v1/consents/{id}/events` and `GET /v1/consents/{id}/evidence` (CONTRACT.md, "Records for auditors").
struct AuditController {
    let store: AuditStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("consents/{id}/events", use: events)
        group.get("consents/{id}/evidence", use: evidence)
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        .json(try await store.events(consentId: context.consentId, keyHash: try Authenticator.keyHash(of: request)))
    }

    @Sendable func evidence(_ request: Request, context: AppRequestContext) async throws -> Response {
        .json(try await store.evidence(consentId: context.consentId, keyHash: try Authenticator.keyHash(of: request)))
    }
}
