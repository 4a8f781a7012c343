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
        let range = QueryDate.range(from: from, to: to, longestDays: longestRangeDays, errors: &errors)
        let chosen = format.map { Format(rawValue: $0) } ?? .json
        if chosen == nil {
            errors.append(FieldError(field: "format", message: "must be json or csv"))
        }
        guard errors.isEmpty, let range, let chosen else { throw APIError.validation(errors) }
        return ComplianceReportRequest(from: range.from, to: range.to, format: chosen)
    }
}
