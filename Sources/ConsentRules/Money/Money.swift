/// An amount in a currency's minor units (cents for EUR), so that arithmetic and comparison are exact.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public var description: String { decimalString + " " + currency.code }

    /// The contract's decimal string, always with exactly the currency's number of decimals: "10.23", "1500", "1.500".
    public var decimalString: String {
        let magnitude = minorUnits.magnitude
        let sign = minorUnits < 0 ? "-" : ""
        guard currency.minorUnits > 0 else { return sign + String(magnitude) }
        let scale = Self.powerOfTen(currency.minorUnits)
        let fraction = String(magnitude % scale)
        let padding = String(repeating: "0", count: currency.minorUnits - fraction.count)
        return sign + String(magnitude / scale) + "." + padding + fraction
    }

    private static func powerOfTen(_ exponent: Int) -> UInt64 {
        (0..<exponent).reduce(1) { power, _ in power * 10 }
    }

    /// Parses the contract's decimal string: ASCII digits, optionally followed by "." and 1 to `minorUnits` digits.
    /// No sign, exponent, grouping or white space. Zero parses: whether it is allowed is the caller's rule.
    public static func parse(_ text: String, currency: Currency) -> Result<Money, MoneyParseError> {
        let bytes = Array(text.utf8)
        if bytes.first == ASCII.minus {
            return isUnsignedDecimal(bytes.dropFirst()) ? .failure(.negative) : .failure(.notADecimal)
        }
        guard isUnsignedDecimal(bytes[...]) else { return .failure(.notADecimal) }

        let pointIndex = bytes.firstIndex(of: ASCII.dot)
        let integerDigits = bytes[..<(pointIndex ?? bytes.endIndex)]
        let fractionDigits = pointIndex.map { bytes[($0 + 1)...] } ?? []
        guard fractionDigits.count <= currency.minorUnits else {
            return .failure(.tooManyDecimals(allowed: currency.minorUnits))
        }

        var value: Int64 = 0
        let paddedFraction = Array(fractionDigits) + Array(repeating: ASCII.zero, count: currency.minorUnits - fractionDigits.count)
        for byte in integerDigits + paddedFraction {
            let (shifted, shiftOverflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, sumOverflow) = shifted.addingReportingOverflow(Int64(byte - ASCII.zero))
            guard !shiftOverflow, !sumOverflow else { return .failure(.tooLarge) }
            value = sum
        }
        return .success(Money(minorUnits: value, currency: currency))
    }

    /// Digits, then optionally a point followed by at least one digit.
    private static func isUnsignedDecimal(_ bytes: ArraySlice<UInt8>) -> Bool {
        var sawIntegerDigit = false
        var sawPoint = false
        var fractionDigitCount = 0
        for byte in bytes {
            if ASCII.isDigit(byte) {
                if sawPoint { fractionDigitCount += 1 } else { sawIntegerDigit = true }
            } else if byte == ASCII.dot, !sawPoint {
                sawPoint = true
            } else {
                return false
            }
        }
        return sawIntegerDigit && (!sawPoint || fractionDigitCount > 0)
    }
}

public enum MoneyParseError: Error, Sendable, Equatable {
    case notADecimal
    case tooManyDecimals(allowed: Int)
    case negative
    case tooLarge
}
