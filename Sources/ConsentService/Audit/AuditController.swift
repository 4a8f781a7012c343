import Hummingbird

/// `GET /v1/consents/{id}/events` (CONTRACT.md, "Records for auditors"); the evidence bundle is
/// `EvidenceController`'s, beside the documents made from it.
struct AuditController {
    let store: AuditStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("consents/{id}/events", use: events)
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        .json(try await store.events(consentId: context.consentId, keyHash: try Authenticator.keyHash(of: request)))
    }
}
