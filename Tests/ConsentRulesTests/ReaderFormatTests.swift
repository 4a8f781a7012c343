import ConsentRules
import Foundation
import Testing

/// Amounts, dates and times as readers of each language write them, from the platform's locale data.
@Suite struct ReaderFormatTests {
    static let euro = Currency.iso4217("EUR")!
    static let yen = Currency.iso4217("JPY")!
    static let lastDay = LocalDate(year: 2026, month: 12, day: 31)!

    static func plain(_ text: String) -> String {
        // Locale data separates amount and symbol with a no-break space, which a reader sees as a space.
        text.replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
    }

    @Test(arguments: [
        ("de", "10,23 €", "31.12.2026"),
        ("lt", "10,23 €", "2026-12-31"),
        ("en", "€10.23", "31 December 2026"),
    ])
    func amountsAndDatesAsTheLanguageWritesThem(language: String, amount: String, date: String) {
        let format = ReaderFormat(language: language)
        #expect(Self.plain(format.amount(Money(minorUnits: 1023, currency: Self.euro))) == amount)
        #expect(format.date(Self.lastDay) == date)
    }

    @Test func largeAmountsAreGroupedAndEachCurrencyKeepsItsDecimals() {
        let de = ReaderFormat(language: "de")
        let en = ReaderFormat(language: "en")
        #expect(Self.plain(de.amount(Money(minorUnits: 123_456_789, currency: Self.euro))) == "1.234.567,89 €")
        #expect(Self.plain(en.amount(Money(minorUnits: 123_456_789, currency: Self.euro))) == "€1,234,567.89")
        #expect(Self.plain(en.amount(Money(minorUnits: 1500, currency: Self.yen))) == "JP¥1,500")
        #expect(Self.plain(en.amount(Money(minorUnits: 5, currency: Self.euro))) == "€0.05")
    }

    @Test func anUnknownLanguageReadsEnglish() {
        let format = ReaderFormat(language: "xx")
        #expect(format.language == "en")
        #expect(format.date(Self.lastDay) == "31 December 2026")
    }

    @Test func theFirstAndLastDaysOfTheYearStayThemselvesInEveryZone() {
        let first = LocalDate(year: 2027, month: 1, day: 1)!
        #expect(ReaderFormat(language: "de").date(first) == "01.01.2027")
        #expect(ReaderFormat(language: "en").date(first) == "1 January 2027")
        #expect(ReaderFormat(language: "lt").date(first) == "2027-01-01")
    }

    @Test func aMomentIsShownInTheMerchantsZone() throws {
        let instant = try #require(Instant(rfc3339: "2026-12-31T22:30:05Z"))
        let vilnius = try #require(TimeZone(identifier: "Europe/Vilnius"))
        let shown = ReaderFormat(language: "lt").dateTime(instant, in: vilnius)
        #expect(shown.hasPrefix("2027-01-01"))
        #expect(shown.contains("00:30:05"))
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        #expect(ReaderFormat(language: "de").dateTime(instant, in: berlin) == "31.12.2026, 23:30:05")
        #expect(ReaderFormat(language: "en").dateTime(instant, in: berlin).hasPrefix("31 December 2026"))
    }
}
