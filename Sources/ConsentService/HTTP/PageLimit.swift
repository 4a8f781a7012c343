import ConsentRules

/// The `limit` of every paged listing: 1 to 1000 entries, 100 when it is left out.
enum PageLimit {
    static let standard = 100
    static let maximum = 1000

    /// The page size `text` asks for; a bad one is added to `errors` and the standard size answered.
    static func parse(_ text: String?, into errors: inout [FieldError]) -> Int {
        guard let text else { return standard }
        guard let number = Int(text), (1...maximum).contains(number) else {
            errors.append(FieldError(field: "limit", message: "must be a whole number from 1 to \(maximum)"))
            return standard
        }
        return number
    }
}
