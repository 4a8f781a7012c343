import ConsentRules
import Hummingbird

/// `POST /v1/consents/{id}/debits` (CONTRACT.md, "Debits, payments, validity").
struct DebitController {
    let store: DebitStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("consents/{id}/debits", use: announce)
    }

    @Sendable func announce(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let debit = try DebitInput.parse(try await RequestBody.json(request))
        return .json(try await store.announce(consentId: context.consentId, debit: debit, keyHash: keyHash), status: .created)
    }
}
