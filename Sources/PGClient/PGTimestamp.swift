#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Dates travel as ISO text. The pool sets every session to TimeZone UTC and DateStyle ISO, so the server
// prints "2024-03-05 12:34:56.123456+00"; parsing that by hand avoids a formatter (and its locale and time
// zone settings) on every row.

extension Date: PGBindable {
    /// A timestamptz literal in UTC with microsecond precision, the finest PostgreSQL keeps.
    public var pgText: String? {
        let micros = Int64((timeIntervalSince1970 * 1_000_000).rounded())
        let (days, microsOfDay) = micros.floorDivided(by: 86_400_000_000)
        let (year, month, day) = PGCivilDate.civil(fromDays: days)
        let seconds = microsOfDay / 1_000_000
        return PGCivilDate.padded(year, 4) + "-" + PGCivilDate.padded(month, 2) + "-" + PGCivilDate.padded(day, 2)
            + " " + PGCivilDate.padded(seconds / 3600, 2) + ":" + PGCivilDate.padded(seconds / 60 % 60, 2)
            + ":" + PGCivilDate.padded(seconds % 60, 2) + "." + PGCivilDate.padded(microsOfDay % 1_000_000, 6) + "+00"
    }
}

extension Date: PGDecodable {
    /// Reads date, timestamp and timestamptz output in ISO DateStyle; a value without an offset is taken as UTC.
    public init(pgText: String) throws {
        guard let micros = PGCivilDate.parseMicroseconds(Array(pgText.utf8)) else { throw Self.decodingFailed() }
        self.init(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}

/// Proleptic Gregorian calendar arithmetic on day numbers counted from 1970-01-01.
enum PGCivilDate {
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Microseconds since the epoch for "YYYY-MM-DD[( |T)HH:MM:SS[.ffffff][(+|-)HH[:MM[:SS]]]]", or nil.
    static func parseMicroseconds(_ text: [UInt8]) -> Int64? {
        var reader = DigitReader(text: text)
        guard let year = reader.number(digits: 4), reader.skip("-"),
              let month = reader.number(digits: 2), (1...12).contains(month), reader.skip("-"),
              let day = reader.number(digits: 2), (1...31).contains(day)
        else { return nil }
        var micros = days(year: year, month: month, day: day) * 86_400_000_000
        if reader.isAtEnd { return micros }

        guard reader.skip(" ") || reader.skip("T"),
              let hour = reader.number(digits: 2), hour <= 24, reader.skip(":"),
              let minute = reader.number(digits: 2), minute < 60, reader.skip(":"),
              let second = reader.number(digits: 2), second <= 60
        else { return nil }
        micros += ((hour * 60 + minute) * 60 + second) * 1_000_000

        if reader.skip(".") {
            var fraction: Int64 = 0
            var scale: Int64 = 1_000_000
            while let digit = reader.digit() {
                guard scale > 1 else { return nil }
                scale /= 10
                fraction += digit * scale
            }
            guard scale < 1_000_000 else { return nil }
            micros += fraction
        }

        let sign: Int64
        if reader.skip("+") { sign = 1 } else if reader.skip("-") { sign = -1 } else { return reader.isAtEnd ? micros : nil }
        guard let offsetHours = reader.number(digits: 2) else { return nil }
        var offsetSeconds = offsetHours * 3600
        if reader.skip(":") {
            guard let offsetMinutes = reader.number(digits: 2) else { return nil }
            offsetSeconds += offsetMinutes * 60
            if reader.skip(":") {
                guard let extraSeconds = reader.number(digits: 2) else { return nil }
                offsetSeconds += extraSeconds
            }
        }
        guard reader.isAtEnd else { return nil }
        return micros - sign * offsetSeconds * 1_000_000
    }

    private struct DigitReader {
        let text: [UInt8]
        var position = 0

        var isAtEnd: Bool { position == text.count }

        mutating func skip(_ char: Unicode.Scalar) -> Bool {
            guard position < text.count, text[position] == UInt8(ascii: char) else { return false }
            position += 1
            return true
        }

        mutating func digit() -> Int64? {
            guard position < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[position]) else {
                return nil
            }
            defer { position += 1 }
            return Int64(text[position] - UInt8(ascii: "0"))
        }

        mutating func number(digits count: Int) -> Int64? {
            var value: Int64 = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }
    }
}

extension Int64 {
    /// Quotient rounded toward negative infinity and the matching non-negative remainder, so instants
    /// before 1970 land on the right calendar day.
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = self / divisor
        let remainder = self % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
