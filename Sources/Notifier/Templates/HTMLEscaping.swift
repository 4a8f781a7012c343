/// HTML escaping of template values, done before rendering rather than by Mustache. Mustache escapes whole
/// characters, and a `"` or `<` followed by a combining mark is one character with it, so it would go out
/// bare. Here every Unicode scalar is looked at on its own.
enum HTMLEscaping {
    static func escape(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// A template context with every string in it escaped, however deep: a fact added later is escaped without
    /// anyone having to remember it. HTML templates show these with `{{{ }}}`, so they are not escaped twice.
    static func escapingEveryString(_ value: Any) -> Any {
        switch value {
        case let text as String: escape(text)
        case let object as [String: Any]: object.mapValues(escapingEveryString)
        case let list as [Any]: list.map(escapingEveryString)
        default: value
        }
    }
}
