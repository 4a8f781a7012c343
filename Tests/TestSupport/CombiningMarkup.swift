/// Text with each character HTML must escape followed by a combining mark. Each pair is one grapheme cluster,
/// so an escaper that compares whole characters with `"` or `<` lets them through.
public enum CombiningMarkup {
    static let pairs = ["\"\u{0301}", "<\u{0301}", ">\u{0301}", "&\u{0301}", "'\u{0301}"]

    public static let text = "q\"\u{0301} <\u{0301}script>\u{0301} &\u{0301} '\u{0301}"
    /// `text` as HTML shows it: every markup character escaped, once.
    public static let escaped = "q&quot;\u{0301} &lt;\u{0301}script&gt;\u{0301} &amp;\u{0301} &#39;\u{0301}"

    /// `html` shows `text` escaped, and nowhere carries one of its markup characters bare. Compared by Unicode
    /// scalars: String compares whole characters, which is how the mistake looks right.
    public static func isEscaped(in html: String) -> Bool {
        let scalars = Array(html.unicodeScalars)
        return scalars.contains(Array(escaped.unicodeScalars))
            && !pairs.contains { scalars.contains(Array($0.unicodeScalars)) }
    }

    /// `plain` shows `text` exactly as it was given.
    public static func isVerbatim(in plain: String) -> Bool {
        Array(plain.unicodeScalars).contains(Array(text.unicodeScalars))
    }
}
