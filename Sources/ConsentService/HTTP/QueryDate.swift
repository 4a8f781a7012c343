import ConsentRules

/// Dates in a query string, `YYYY-MM-DD`; what is missing or wrong is added to `errors`.
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

    /// The required `from` and `to` of a range with both days included, `to` not before `from` and, with
    /// `longestDays`, at most that many days in all.
    static func range(from: String?, to: String?, longestDays: Int? = nil, errors: inout [FieldError])
        -> (from: LocalDate, to: LocalDate)?
    {
        let first = parse(from, field: "from", errors: &errors)
        let last = parse(to, field: "to", errors: &errors)
        guard let first, let last else { return nil }
        if last < first {
            errors.append(FieldError(field: "to", message: "must not be before from"))
            return nil
        }
        if let longestDays, last.daysSinceEpoch - first.daysSinceEpoch >= longestDays {
            errors.append(FieldError(field: "to", message: "must end a range of at most \(longestDays) days, both included"))
            return nil
        }
        return (first, last)
    }
}
