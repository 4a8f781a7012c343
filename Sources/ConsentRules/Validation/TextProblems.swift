/// Reusable rules for text fields. Each returns the message for a bad value or nil for a good one; messages name
/// the constraint and never repeat the value.
public enum TextProblems {
    /// Names, references and versions: not blank, bounded, no control characters.
    public static func singleLine(maximumLength: Int) -> (String) -> String? {
        { text in
            if TextRules.containsControlCharacter(text) { return "must not contain control characters" }
            if TextRules.isBlank(text) { return "must not be empty" }
            if TextRules.length(text) > maximumLength { return "must be at most \(maximumLength) characters" }
            return nil
        }
    }

    /// Text kept exactly as the consumer saw it, line breaks included: only emptiness, length and U+0000 (which
    /// PostgreSQL text cannot hold) are checked.
    static func freeText(maximumLength: Int) -> (String) -> String? {
        { text in
            if text.utf8.contains(0) { return "must not contain U+0000" }
            if TextRules.isBlank(text) { return "must not be empty" }
            if TextRules.length(text) > maximumLength { return "must be at most \(maximumLength) characters" }
            return nil
        }
    }

    static func emailAddress(_ text: String) -> String? {
        EmailAddress.isPlausible(text) ? nil : "must be a valid email address"
    }
}
