import Foundation

/// A point in time in UTC with microsecond precision, the precision PostgreSQL's `timestamptz` keeps.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let microsecondsSinceEpoch: Int64

    static let microsecondsPerSecond: Int64 = 1_000_000
    static let microsecondsPerDay: Int64 = 86_400 * microsecondsPerSecond

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// Midnight UTC at the start of `date`.
    public init(utcMidnightOf date: LocalDate) {
        self.init(microsecondsSinceEpoch: Int64(date.daysSinceEpoch) * Self.microsecondsPerDay)
    }

    public static func < (left: Instant, right: Instant) -> Bool {
        left.microsecondsSinceEpoch < right.microsecondsSinceEpoch
    }

    public var description: String { rfc3339 }

    public func adding(seconds: Int64) -> Instant {
        Instant(microsecondsSinceEpoch: microsecondsSinceEpoch + seconds * Self.microsecondsPerSecond)
    }

    public func adding(microseconds: Int64) -> Instant {
        Instant(microsecondsSinceEpoch: microsecondsSinceEpoch + microseconds)
    }

    /// Whole days since 1970-01-01 and the microseconds into that day, both rounded towards the past.
    private var dayAndTimeOfDay: (day: Int64, microsecond: Int64) {
        var day = microsecondsSinceEpoch / Self.microsecondsPerDay
        var microsecond = microsecondsSinceEpoch % Self.microsecondsPerDay
        if microsecond < 0 {
            day -= 1
            microsecond += Self.microsecondsPerDay
        }
        return (day, microsecond)
    }

    public var utcDate: LocalDate {
        LocalDate(daysSinceEpoch: Int(dayAndTimeOfDay.day))
    }

    /// The calendar date at this instant in `timeZone`, using the zone's offset in force at this instant.
    public func localDate(in timeZone: TimeZone) -> LocalDate {
        let moment = Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / Double(Self.microsecondsPerSecond))
        let offsetSeconds = Int64(timeZone.secondsFromGMT(for: moment))
        return adding(seconds: offsetSeconds).utcDate
    }

    /// The instant `date` begins in `timeZone`: its local midnight, also on a day whose offset changes.
    public init(startOf date: LocalDate, in timeZone: TimeZone) {
        let utcMidnight = Instant(utcMidnightOf: date)
        func offset(at instant: Instant) -> Int64 {
            let moment = Date(
                timeIntervalSince1970: Double(instant.microsecondsSinceEpoch) / Double(Self.microsecondsPerSecond))
            return Int64(timeZone.secondsFromGMT(for: moment))
        }
        // The midnight under the offset in force at UTC midnight, and under the one in force there. When the
        // clocks change at midnight one of the two falls on the day before, and the day begins at the other.
        let first = utcMidnight.adding(seconds: -offset(at: utcMidnight))
        let second = utcMidnight.adding(seconds: -offset(at: first))
        let candidates = [first, second].sorted()
        self = candidates.first { $0.localDate(in: timeZone) == date } ?? candidates[1]
    }

    /// RFC 3339 in UTC with the shortest of no fraction, milliseconds or microseconds that is exact.
    /// This text is hashed into the event chain, so the choice must stay deterministic.
    public var rfc3339: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(28)
        appendRFC3339(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `rfc3339`'s ASCII written into `bytes` (see `LocalDate.appendISO`).
    public func appendRFC3339(to bytes: inout [UInt8]) {
        let (day, microsecondOfDay) = dayAndTimeOfDay
        let secondOfDay = Int(microsecondOfDay / Self.microsecondsPerSecond)
        let fraction = Int(microsecondOfDay % Self.microsecondsPerSecond)
        LocalDate(daysSinceEpoch: Int(day)).appendISO(to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        LocalDate.appendZeroPadded(secondOfDay / 3_600, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        LocalDate.appendZeroPadded(secondOfDay / 60 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        LocalDate.appendZeroPadded(secondOfDay % 60, width: 2, to: &bytes)
        if fraction == 0 {
            // whole seconds: no fraction
        } else if fraction % 1_000 == 0 {
            bytes.append(UInt8(ascii: "."))
            LocalDate.appendZeroPadded(fraction / 1_000, width: 3, to: &bytes)
        } else {
            bytes.append(UInt8(ascii: "."))
            LocalDate.appendZeroPadded(fraction, width: 6, to: &bytes)
        }
        bytes.append(UInt8(ascii: "Z"))
    }

    /// A full RFC 3339 `date-time`: `T` or `t` between date and time, an optional fraction of 1–9 digits (truncated to
    /// microseconds), and `Z`, `z` or a `±hh:mm` offset. A leap second (`:60`) is refused rather than guessed at, and
    /// so is an instant before 0001-01-01T00:00:00Z.
    public init?(rfc3339: String) {
        let parsed = rfc3339.utf8.withContiguousStorageIfAvailable { Self.parseRFC3339($0) }
            ?? Self.parseRFC3339(Array(rfc3339.utf8))
        guard let parsed else { return nil }
        self = parsed
    }

    private static func parseRFC3339(_ bytes: some RandomAccessCollection<UInt8>) -> Instant? {
        var reader = FixedDigitReader(bytes)
        guard let year = reader.digits(4), reader.skip(ASCII.minus),
              let month = reader.digits(2), reader.skip(ASCII.minus),
              let day = reader.digits(2),
              let date = LocalDate(year: year, month: month, day: day),
              reader.skip(oneOf: UInt8(ascii: "T"), UInt8(ascii: "t")) != nil,
              let hour = reader.digits(2), hour <= 23, reader.skip(ASCII.colon),
              let minute = reader.digits(2), minute <= 59, reader.skip(ASCII.colon),
              let second = reader.digits(2), second <= 59 else { return nil }

        var microsecond: Int64 = 0
        if reader.skip(ASCII.dot) {
            let fractionDigits = reader.digitRun()
            guard (1...9).contains(fractionDigits.count) else { return nil }
            for position in 0..<6 {
                let digit = position < fractionDigits.count ? Int64(fractionDigits[position]) : 0
                microsecond = microsecond * 10 + digit
            }
        }

        var offsetSeconds = 0
        if reader.skip(oneOf: UInt8(ascii: "Z"), UInt8(ascii: "z")) == nil {
            guard let sign = reader.skip(oneOf: ASCII.plus, ASCII.minus),
                  let offsetHour = reader.digits(2), offsetHour <= 23, reader.skip(ASCII.colon),
                  let offsetMinute = reader.digits(2), offsetMinute <= 59 else { return nil }
            offsetSeconds = (offsetHour * 3_600 + offsetMinute * 60) * (sign == ASCII.minus ? -1 : 1)
        }
        guard reader.isAtEnd else { return nil }

        let localSeconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3_600 + minute * 60 + second)
        let instant = Instant(
            microsecondsSinceEpoch: (localSeconds - Int64(offsetSeconds)) * microsecondsPerSecond + microsecond)
        // PostgreSQL has no year 0: an instant before year 1 in UTC (even one written in year 1 with an offset)
        // could not be stored.
        return instant >= earliest ? instant : nil
    }

    /// 0001-01-01T00:00:00Z, the earliest instant accepted as input.
    static let earliest = Instant(microsecondsSinceEpoch: -62_135_596_800 * microsecondsPerSecond)
}
