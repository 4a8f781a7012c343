/// A calendar date without a time zone, in the proleptic Gregorian calendar.
///
/// Arithmetic goes through a day count rather than Foundation's `Calendar`, which is slow, locale-dependent and
/// would make results depend on the machine's configuration.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil unless `month` and `day` name a day that exists in `year`.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// For values already known to form a real date.
    init(validYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Exactly `YYYY-MM-DD` with ASCII digits; anything else (extra text, missing zero padding, a non-existent day) is nil.
    /// A `YYYY-MM-DD` date from year 1 on: RFC 3339 allows year 0000, but PostgreSQL has no year 0, so a date
    /// the service could not store is refused where it comes in.
    public init?(iso: String) {
        let parsed = iso.utf8.withContiguousStorageIfAvailable { Self.parseISO($0) } ?? Self.parseISO(Array(iso.utf8))
        guard let parsed else { return nil }
        self = parsed
    }

    static func parseISO(_ bytes: some RandomAccessCollection<UInt8>) -> LocalDate? {
        guard bytes.count == 10 else { return nil }
        var cursor = FixedDigitReader(bytes)
        guard let year = cursor.digits(4), cursor.skip(ASCII.minus),
              let month = cursor.digits(2), cursor.skip(ASCII.minus),
              let day = cursor.digits(2), year >= 1 else { return nil }
        return LocalDate(year: year, month: month, day: day)
    }

    /// `YYYY-MM-DD`; years outside 0...9999 keep their sign and all their digits.
    public var iso: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(11)
        appendISO(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `iso`'s ASCII written into `bytes`: dates are formatted by the million in exports and API answers, and one
    /// buffer costs far less than a string per part.
    public func appendISO(to bytes: inout [UInt8]) {
        if year < 0 { bytes.append(ASCII.minus) }
        Self.appendZeroPadded(abs(year), width: 4, to: &bytes)
        bytes.append(ASCII.minus)
        Self.appendZeroPadded(month, width: 2, to: &bytes)
        bytes.append(ASCII.minus)
        Self.appendZeroPadded(day, width: 2, to: &bytes)
    }

    /// The decimal digits of a non-negative `value`, with leading zeros up to `width`.
    static func appendZeroPadded(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        // The largest power of ten not above the value (1 below ten); multiplying only while it stays within the
        // value cannot overflow.
        var divisor = 1
        var digits = 1
        while divisor <= value / 10 {
            divisor *= 10
            digits += 1
        }
        for _ in digits..<max(width, digits) { bytes.append(ASCII.zero) }
        while divisor > 0 {
            bytes.append(ASCII.zero + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    public var description: String { iso }

    public static func < (left: LocalDate, right: LocalDate) -> Bool {
        (left.year, left.month, left.day) < (right.year, right.month, right.day)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in `month` of `year`, or 0 when `month` is not 1...12.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// The last day of `month` in `year`; a month outside 1...12 is clamped into it.
    public static func lastDay(ofMonth month: Int, year: Int) -> LocalDate {
        let month = min(max(month, 1), 12)
        return LocalDate(validYear: year, month: month, day: daysIn(month: month, year: year))
    }

    // The two conversions below count in 400-year eras of 146,097 days, each starting on 1 March, so that the leap
    // day is the last day of a counting year and every other month has a fixed position within it.

    /// 1970-01-01 is 0.
    public init(daysSinceEpoch: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.init(validYear: year, month: month, day: day)
    }

    public var daysSinceEpoch: Int {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let monthFromMarch = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public func adding(days: Int) -> LocalDate {
        days == 0 ? self : LocalDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// The date `months` months later (or earlier) on day `day`, clamped to the last day of the target month;
    /// used for monthly schedules, which keep the original day of month even after a short month.
    public func adding(months: Int, clampingDay day: Int) -> LocalDate {
        let monthIndex = year * 12 + (month - 1) + months
        let targetYear = monthIndex >= 0 ? monthIndex / 12 : (monthIndex - 11) / 12
        let targetMonth = monthIndex - targetYear * 12 + 1
        let lastDay = Self.daysIn(month: targetMonth, year: targetYear)
        return LocalDate(validYear: targetYear, month: targetMonth, day: min(max(day, 1), lastDay))
    }

    /// The same day `years` years later (or earlier); 29 February becomes 28 February in a common year.
    public func adding(years: Int) -> LocalDate {
        let targetYear = year + years
        return LocalDate(validYear: targetYear, month: month, day: min(day, Self.daysIn(month: month, year: targetYear)))
    }

    /// 1 = Monday … 7 = Sunday (ISO 8601).
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let offset = (daysSinceEpoch + 3) % 7
        return (offset < 0 ? offset + 7 : offset) + 1
    }
}
