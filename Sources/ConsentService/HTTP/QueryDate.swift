import ConsentRules

/// A required date in a query string, `YYYY-MM-DD`; a missing or malformed one is added to `errors`.
enum QueryDate {
    static func parse(_ text: String?, field: String, errors: inout [FieldError]) -> LocalDate? {
        guard let text else {
            errors.append(FieldError(field: field, message: "is required: a date, YYYY-MM-DD"))
            return nil
        }
        guard let date = LocalDate(iso: text) else {
            errors.append(FieldError(field: field, message: "must be a date, YYYY-MM-DD"))
            return nil
        }
        return date
    }
}
