import ConsentRules
import Hummingbird

/// `POST`/`GET /v1/webhook-endpoints`, `DELETE /v1/webhook-endpoints/{id}` and `GET /v1/webhook-deliveries`
/// (CONTRACT.md, "Webhooks"); admin keys only.
struct WebhookController {
    let endpoints: WebhookEndpointStore
    let deliveries: WebhookDeliveryStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("webhook-endpoints", use: create)
        group.get("webhook-endpoints", use: list)
        group.delete("webhook-endpoints/{id}", use: disable)
        group.get("webhook-deliveries", use: listDeliveries)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let input = try WebhookEndpointInput.parse(try await RequestBody.json(request))
        return .json(try await endpoints.create(input, keyHash: keyHash), status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        .json(try await endpoints.list(keyHash: try Authenticator.keyHash(of: request)))
    }

    @Sendable func disable(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        // A malformed id names no endpoint: answered like an unknown one, after authentication.
        return .json(try await endpoints.disable(id: context.idParameter, keyHash: keyHash))
    }

    @Sendable func listDeliveries(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let parameters = request.uri.queryParameters
        let query = try WebhookDeliveryQuery.parse(
            status: parameters.get("status"), limit: parameters.get("limit"), after: parameters.get("after"))
        return .json(try await deliveries.page(query, keyHash: keyHash))
    }
}
