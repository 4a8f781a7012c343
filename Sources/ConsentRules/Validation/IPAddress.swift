/// Textual IP address checks with the same acceptance as POSIX `inet_pton`, written without calling into the
/// system so that the rules module stays free of platform behaviour.
enum IPAddress {
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return isIPv4(bytes[...]) || isIPv6(bytes)
    }

    /// Exactly four decimal parts of 0–255 without leading zeros (which some parsers read as octal).
    static func isIPv4(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: ASCII.dot, omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy(ASCII.isDigit) else { return false }
            guard part.count == 1 || part.first != ASCII.zero else { return false }
            return part.reduce(0) { $0 * 10 + Int($1 - ASCII.zero) } <= 255
        }
    }

    /// Eight groups of 1–4 hex digits, or fewer with one `::` standing for at least one zero group; the last two groups
    /// may be written as an IPv4 address. No zone index: `inet_pton` does not take one either.
    static func isIPv6(_ bytes: [UInt8]) -> Bool {
        let colon = ASCII.colon
        var index = 0
        var groupCount = 0
        var sawDoubleColon = false

        if bytes.starts(with: [colon, colon]) {
            sawDoubleColon = true
            index = 2
        } else if bytes.first == colon {
            return false
        }

        while index < bytes.count {
            let tokenStart = index
            while index < bytes.count, ASCII.hexValue(bytes[index]) != nil { index += 1 }
            if index < bytes.count, bytes[index] == ASCII.dot {
                guard groupCount + 2 <= 8, isIPv4(bytes[tokenStart...]) else { return false }
                groupCount += 2
                index = bytes.count
                break
            }
            guard (1...4).contains(index - tokenStart) else { return false }
            groupCount += 1
            if index == bytes.count { break }
            guard bytes[index] == colon else { return false }
            index += 1
            if index < bytes.count, bytes[index] == colon {
                guard !sawDoubleColon else { return false }
                sawDoubleColon = true
                index += 1
            } else if index == bytes.count {
                return false
            }
        }
        return sawDoubleColon ? groupCount <= 7 : groupCount == 8
    }
}
