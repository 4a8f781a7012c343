import ConsentRules

/// The parameters of `GET /v1/exports/consents`: `from` and `to`, dates in the merchant's time zone (both days
/// included), and `format`, `csv` (the default) or `ndjson`.
struct ConsentExportRequest: Sendable, Equatable {
    let from: LocalDate
    let to: LocalDate
    let format: ConsentExportFormat

    static func parse(from: String?, to: String?, format: String?) throws -> ConsentExportRequest {
        var errors: [FieldError] = []
        let range = QueryDate.range(from: from, to: to, errors: &errors)
        let chosen = format.map { ConsentExportFormat(rawValue: $0) } ?? .csv
        if chosen == nil {
            errors.append(FieldError(field: "format", message: "must be csv or ndjson"))
        }
        guard errors.isEmpty, let range, let chosen else { throw APIError.validation(errors) }
        return ConsentExportRequest(from: range.from, to: range.to, format: chosen)
    }
}
