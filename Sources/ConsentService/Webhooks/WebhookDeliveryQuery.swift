import ConsentRules
import Foundation

/// The parameters of `GET /v1/webhook-deliveries`: `status`, `limit` (1–1000, default 100) and `after` (the
/// `nextAfter` of the previous page). Deliveries come oldest first.
struct WebhookDeliveryQuery: Sendable, Equatable {
    let status: String?
    let limit: Int
    let after: UUID?

    static let statuses = ["queued", "sent", "failed", "withdrawn"]

    static func parse(status: String?, limit: String?, after: String?) throws -> WebhookDeliveryQuery {
        var errors: [FieldError] = []
        if let status, !statuses.contains(status) {
            errors.append(FieldError(field: "status", message: "must be one of \(statuses.joined(separator: ", "))"))
        }
        let pageSize = PageLimit.parse(limit, into: &errors)
        var cursor: UUID?
        if let after {
            cursor = UUID(uuidString: after)
            if cursor == nil { errors.append(FieldError(field: "after", message: "must be a delivery id")) }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return WebhookDeliveryQuery(status: status, limit: pageSize, after: cursor)
    }
}
