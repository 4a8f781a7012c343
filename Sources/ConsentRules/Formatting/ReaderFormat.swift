import Foundation

/// Amounts, dates and times written as a reader of one of the service's languages writes them ("10,23 €" and
/// "31.12.2026" in German, "€10.23" and "31 December 2026" in English), from the platform's locale data. Only
/// what people read uses it; JSON, CSV and headers keep the ISO forms.
public struct ReaderFormat: Sendable {
    /// Numeric dates ("31.12.2026", "2026-12-31") or dates with the month's name ("31 December 2026"); the
    /// order and separators come from the locale.
    private enum DateShape {
        case numeric, written
    }

    public let language: String
    private let locale: Locale
    private let shape: DateShape

    /// An unknown language reads English, as the templates fall back to.
    public init(language: String) {
        switch language {
        case "de":
            self.language = "de"
            locale = Locale(identifier: "de_DE")
            shape = .numeric
        case "lt":
            self.language = "lt"
            locale = Locale(identifier: "lt_LT")
            shape = .numeric
        default:
            // British usage writes the day before the month ("31 December 2026"), as English readers in the
            // euro area expect.
            self.language = "en"
            locale = Locale(identifier: "en_GB")
            shape = .written
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
        Self.noon(of: date).formatted(dateStyle(in: Self.utc))
    }

    /// A moment as a local date and time in `timeZone`, to the second, on the 24-hour clock all three languages
    /// use. The zone is not named: a document states it once.
    public func dateTime(_ instant: Instant, in timeZone: TimeZone) -> String {
        let moment = Date(timeIntervalSince1970: Double(instant.microsecondsSinceEpoch) / 1_000_000)
        return moment.formatted(
            dateStyle(in: timeZone).hour(.twoDigits(amPM: .omitted)).minute(.twoDigits).second(.twoDigits))
    }

    private func dateStyle(in timeZone: TimeZone) -> Date.FormatStyle {
        let style = Date.FormatStyle(locale: locale, calendar: Calendar(identifier: .gregorian), timeZone: timeZone)
        return switch shape {
        case .numeric: style.day(.twoDigits).month(.twoDigits).year(.defaultDigits)
        case .written: style.day(.defaultDigits).month(.wide).year(.defaultDigits)
        }
    }

    private static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    /// Noon keeps the day the same in whatever zone the formatter might apply.
    private static func noon(of date: LocalDate) -> Date {
        Date(timeIntervalSince1970: Double(date.daysSinceEpoch) * 86_400 + 43_200)
    }
}
