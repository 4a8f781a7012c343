/// Header fields as RFC 5322 wants them: lines of at most 78 characters where the value has spaces to fold
/// at (a fold is CRLF followed by the space, which unfolding removes again).
enum HeaderFolding {
    static let maxLineLength = 78

    static func line(_ name: String, _ value: String) -> String {
        var lines: [String] = []
        var current = name + ":"
        var currentHasWord = false
        for word in value.split(separator: " ", omittingEmptySubsequences: true) {
            if currentHasWord, current.utf8.count + 1 + word.utf8.count > maxLineLength {
                lines.append(current)
                current = ""
            }
            current += " " + word
            currentHasWord = true
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }
}
