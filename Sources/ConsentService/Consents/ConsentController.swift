import ConsentRules
import Foundation
import Hummingbird

/// Routes of CONTRACT.md "Consents".
struct ConsentController<Repository: ConsentRepository> {
    let repository: Repository

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("consents", use: capture)
        group.get("consents", use: findOrList)
        group.get("consents/{id}", use: find)
        group.post("consents/{id}/activate", use: activate)
        group.get("recurrences/{recurrenceId}", use: findByRecurrence)
    }

    @Sendable func capture(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let idempotencyKey = try Self.idempotencyKey(of: request)
        let body = try await RequestBody.json(request)
        let stored = try await repository.capture(
            CaptureRequest(keyHash: keyHash, body: body, idempotencyKey: idempotencyKey))
        return .json(bytes: stored.body, status: HTTPResponse.Status(code: stored.status))
    }

    @Sendable func find(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let consent = try await repository.consent(id: context.consentId, keyHash: keyHash)
        return .json(consent)
    }

    /// With `merchantReference`, that one consent; without it, a page of the merchant's consents.
    @Sendable func findOrList(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let parameters = request.uri.queryParameters
        if let reference = parameters.get("merchantReference") {
            guard !reference.isEmpty else { throw APIError.validation("merchantReference", "must not be empty") }
            return .json(
                try await repository.consent(merchantReference: AppRequestContext.lookupText(reference), keyHash: keyHash))
        }
        let pairs = parameters.map { (String($0.key), String($0.value)) }
        return .json(try await repository.list(ConsentListQuery.parse(pairs), keyHash: keyHash))
    }

    @Sendable func findByRecurrence(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let recurrenceId = context.textParameter("recurrenceId")
        return .json(try await repository.consent(recurrenceId: recurrenceId, keyHash: keyHash))
    }

    @Sendable func activate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let input = try ActivationInput.parse(try await RequestBody.json(request))
        let consent = try await repository.activate(
            ActivationRequest(
                keyHash: keyHash, consentId: context.consentId, recurrenceId: input.recurrenceId,
                initialPaymentId: input.initialPaymentId))
        return .json(consent)
    }

    static func idempotencyKey(of request: Request) throws -> String? {
        guard let field = request.headers.first(where: { $0.name.canonicalName == "idempotency-key" }) else {
            return nil
        }
        let key = field.value
        guard !key.isEmpty, key.utf8.count <= RequestLimits.maxIdempotencyKeyLength,
            key.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
        else {
            throw APIError.validation(
                "Idempotency-Key", "must be 1–\(RequestLimits.maxIdempotencyKeyLength) printable ASCII characters")
        }
        return key
    }
}
