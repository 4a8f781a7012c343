import Foundation

/// Amounts, dates and times written as a reader of one of the service's languages writes them ("10,23 €" and
/// "31.12.2026" in German, "€10.23" and "31 December 2026" in English), from the platform's locale data. Only
/// what people read uses it; JSON, CSV and headers keep the ISO forms.
public struct ReaderFormat: Sendable {
    public let language: String
    private let locale: Locale
    private let dateStyle: Date.FormatStyle.DateStyle

    /// An unknown language reads English, as the templates fall back to.
    public init(language: String) {
        switch language {
        case "de":
            self.language = "de"
            locale = Locale(identifier: "de_DE")
            dateStyle = .numeric
        case "lt":
            self.language = "lt"
            locale = Locale(identifier: "lt_LT")
            dateStyle = .numeric
        default:
            // British usage writes the day before the month ("31 December 2026"), as English readers in the
            // euro area expect.
            self.language = "en"
            locale = Locale(identifier: "en_GB")
            dateStyle = .long
        }
    }

    public func amount(_ money: Money) -> String {
        let digits = money.currency.minorUnits
        let value = Decimal(
            sign: money.minorUnits < 0 ? .minus : .plus, exponent: -digits,
            significand: Decimal(money.minorUnits.magnitude))
        return value.formatted(
            .currency(code: money.currency.code).locale(locale).precision(.fractionLength(digits)))
    }

    public func date(_ date: LocalDate) -> String {
        var style = Date.FormatStyle(date: dateStyle, time: .omitted, locale: locale, timeZone: Self.utc)
        style.calendar = Calendar(identifier: .gregorian)
        return Self.noon(of: date).formatted(style)
    }

    /// A moment as a local date and time in `timeZone`, to the second, followed by the zone's identifier.
    public func dateTime(_ instant: Instant, in timeZone: TimeZone) -> String {
        var style = Date.FormatStyle(date: dateStyle, time: .standard, locale: locale, timeZone: timeZone)
        style.calendar = Calendar(identifier: .gregorian)
        let moment = Date(timeIntervalSince1970: Double(instant.microsecondsSinceEpoch) / 1_000_000)
        return moment.formatted(style) + " (" + timeZone.identifier + ")"
    }

    private static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    /// Noon keeps the day the same in whatever zone the formatter might apply.
    private static func noon(of date: LocalDate) -> Date {
        let days = date.daysSinceEpoch
        return Date(timeIntervalSince1970: Double(days) * 86_400 + 43_200)
    }
}
