import ConsentRules
import Foundation

/// The parameters of `GET /v1/consents` without `merchantReference`: `status`, `cardExpiringBefore` (a date),
/// `createdFrom` and `createdTo` (dates in the merchant's time zone, both included), `confirmation=overdue`,
/// `limit` (1–1000, default 100) and `after` (the `nextAfter` of the previous page). Consents come oldest first.
struct ConsentListQuery: Sendable, Equatable {
    let status: ConsentStatus?
    let cardExpiringBefore: LocalDate?
    let createdFrom: LocalDate?
    let createdTo: LocalDate?
    let confirmationOverdue: Bool
    let limit: Int
    let after: UUID?

    static let names: Set<String> = [
        "status", "cardExpiringBefore", "createdFrom", "createdTo", "confirmation", "limit", "after",
    ]

    /// Every bad parameter at once, each by its name; an unknown one is refused too, so a misspelt filter never
    /// silently lists everything.
    static func parse(_ parameters: [(String, String)]) throws -> ConsentListQuery {
        var errors: [FieldError] = []
        var values: [String: String] = [:]
        for (name, value) in parameters {
            if names.contains(name) { values[name] = value } else { errors.append(FieldError(field: name, message: "unknown parameter")) }
        }
        var status: ConsentStatus?
        if let text = values["status"] {
            status = ConsentStatus(rawValue: text)
            if status == nil {
                let all = ConsentStatus.allCases.map(\.rawValue).joined(separator: ", ")
                errors.append(FieldError(field: "status", message: "must be one of \(all)"))
            }
        }
        func date(_ name: String) -> LocalDate? {
            guard let text = values[name] else { return nil }
            guard let date = LocalDate(iso: text), date.year >= 1 else {
                errors.append(FieldError(field: name, message: "must be a date written YYYY-MM-DD"))
                return nil
            }
            return date
        }
        let expiring = date("cardExpiringBefore")
        let from = date("createdFrom")
        let to = date("createdTo")
        if let from, let to, to < from {
            errors.append(FieldError(field: "createdTo", message: "must not be before createdFrom"))
        }
        if let confirmation = values["confirmation"], confirmation != "overdue" {
            errors.append(FieldError(field: "confirmation", message: "must be overdue"))
        }
        let pageSize = PageLimit.parse(values["limit"], into: &errors)
        var cursor: UUID?
        if let after = values["after"] {
            cursor = UUID(canonicalText: after)
            if cursor == nil { errors.append(FieldError(field: "after", message: "must be a consent id")) }
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return ConsentListQuery(
            status: status, cardExpiringBefore: expiring, createdFrom: from, createdTo: to,
            confirmationOverdue: values["confirmation"] != nil, limit: pageSize, after: cursor)
    }
}
