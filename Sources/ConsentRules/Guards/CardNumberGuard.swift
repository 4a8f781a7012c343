/// Detects full card numbers (PANs), which the service must never store or log, wherever a caller put them.
///
/// Digits are read in runs of groups joined by exactly one space or one dash ("4111 1111-1111 1111"). Any stretch of
/// whole consecutive groups of a run holding 13 to 19 digits that passes the Luhn check counts as a card number, so a
/// number typed with separators, glued to a word ("order-4111…") or followed by other numbers ("pan 4111… 12") is
/// caught. A group is never split: a single group of more than 19 digits is an identifier, not a card.
public enum CardNumberGuard: Sendable {
    static let cardLengths = 13...19

    public static func containsCardNumber(_ text: String) -> Bool {
        // Most strings hold fewer digits than the shortest card: those need no closer look.
        var digitCount = 0
        for byte in text.utf8 where ASCII.isDigit(byte) { digitCount += 1 }
        guard digitCount >= cardLengths.lowerBound else { return false }
        // A whole UUID (gateways use them for recurrence ids) has 32 hex digits: it is never a card number,
        // though its leading groups can form a dash-separated run of 13–19 digits that passes Luhn.
        if isUUID(text) { return false }
        if let found = text.utf8.withContiguousStorageIfAvailable({ containsCardNumber(utf8: $0) }) {
            return found
        }
        return containsCardNumber(utf8: Array(text.utf8))
    }

    /// 8-4-4-4-12 hexadecimal digits, nothing around them.
    static func isUUID(_ text: String) -> Bool {
        guard text.utf8.count == 36 else { return false }
        for (index, byte) in text.utf8.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else if ASCII.hexValue(byte) == nil {
                return false
            }
        }
        return true
    }

    /// Checks every string, number literal and object key, at any depth.
    public static func containsCardNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .null, .bool:
            return false
        case .number(let text), .string(let text):
            return containsCardNumber(text)
        case .array(let elements):
            return elements.contains { containsCardNumber($0) }
        case .object(let members):
            return members.contains { key, member in containsCardNumber(key) || containsCardNumber(member) }
        }
    }

    private static func containsCardNumber(utf8 bytes: some RandomAccessCollection<UInt8>) -> Bool {
        var groups: [Range<Int>] = []
        var digits: [UInt8] = []
        var index = bytes.startIndex
        var runIsOpen = false

        while index != bytes.endIndex {
            let byte = bytes[index]
            guard ASCII.isDigit(byte) else {
                index = bytes.index(after: index)
                continue
            }
            if !runIsOpen {
                groups.removeAll(keepingCapacity: true)
                digits.removeAll(keepingCapacity: true)
                runIsOpen = true
            }
            let groupStart = digits.count
            while index != bytes.endIndex, ASCII.isDigit(bytes[index]) {
                digits.append(bytes[index] - ASCII.zero)
                index = bytes.index(after: index)
            }
            groups.append(groupStart..<digits.count)

            // The run goes on only across a single space or dash that is directly followed by another digit.
            var continues = false
            if index != bytes.endIndex, bytes[index] == ASCII.space || bytes[index] == ASCII.minus {
                let afterSeparator = bytes.index(after: index)
                if afterSeparator != bytes.endIndex, ASCII.isDigit(bytes[afterSeparator]) {
                    index = afterSeparator
                    continues = true
                }
            }
            if !continues {
                runIsOpen = false
                if runContainsCard(digits: digits, groups: groups) { return true }
            }
        }
        return false
    }

    private static func runContainsCard(digits: [UInt8], groups: [Range<Int>]) -> Bool {
        guard digits.count >= cardLengths.lowerBound else { return false }
        for first in groups.indices {
            for last in first..<groups.count {
                let span = groups[first].lowerBound..<groups[last].upperBound
                if span.count > cardLengths.upperBound { break }
                if span.count >= cardLengths.lowerBound, passesLuhn(digits[span]) { return true }
            }
        }
        return false
    }

    /// The Luhn (mod 10) check digit test that every card number satisfies.
    static func passesLuhn(_ digits: ArraySlice<UInt8>) -> Bool {
        var sum = 0
        var doubles = false
        for digit in digits.reversed() {
            var value = Int(digit)
            if doubles {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
            doubles.toggle()
        }
        return sum % 10 == 0
    }
}
