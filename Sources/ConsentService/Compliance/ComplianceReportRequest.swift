import ConsentRules

/// The parameters of `GET /v1/compliance/report`: `from` and `to`, dates in the merchant's time zone (both days
/// included) that the duties' deadlines must fall between, at most 366 days apart; `format`, `json` (the
/// default) or `csv`.
struct ComplianceReportRequest: Sendable, Equatable {
    enum Format: String, Sendable {
        case json, csv
    }

    static let longestRangeDays = 366

    let from: LocalDate
    let to: LocalDate
    let format: Format

    static func parse(from: String?, to: String?, format: String?) throws -> ComplianceReportRequest {
        var errors: [FieldError] = []
        let first = QueryDate.parse(from, field: "from", errors: &errors)
        let last = QueryDate.parse(to, field: "to", errors: &errors)
        if let first, let last {
            if last < first {
                errors.append(FieldError(field: "to", message: "must not be before from"))
            } else if last.daysSinceEpoch - first.daysSinceEpoch >= longestRangeDays {
                errors.append(FieldError(field: "to", message: "must be at most \(longestRangeDays) days from from, both included"))
            }
        }
        let chosen = format.map { Format(rawValue: $0) } ?? .json
        if chosen == nil {
            errors.append(FieldError(field: "format", message: "must be json or csv"))
        }
        guard errors.isEmpty, let first, let last, let chosen else { throw APIError.validation(errors) }
        return ComplianceReportRequest(from: first, to: last, format: chosen)
    }
}
