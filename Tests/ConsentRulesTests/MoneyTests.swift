import Testing
@testable import ConsentRules

@Suite("Money and currencies")
struct MoneyTests {
    private let euro = Currency.iso4217("EUR")!
    private let yen = Currency.iso4217("JPY")!
    private let dinar = Currency.iso4217("KWD")!

    @Test(arguments: [("EUR", 2), ("USD", 2), ("GBP", 2), ("PLN", 2), ("JPY", 0), ("KRW", 0), ("ISK", 0), ("CLP", 0),
                      ("VND", 0), ("XOF", 0), ("BHD", 3), ("KWD", 3), ("TND", 3), ("IQD", 3), ("CLF", 4), ("UYW", 4),
                      ("XCG", 2), ("ZWG", 2), ("VES", 2), ("SLE", 2), ("MRU", 2), ("STN", 2)])
    func knowsExponents(_ code: String, _ exponent: Int) {
        #expect(Currency.iso4217(code)?.minorUnits == exponent)
        #expect(Currency.iso4217(code)?.code == code)
    }

    @Test(arguments: ["eur", "Eur", "EURO", "EU", "", "XXX", "XAU", "XDR", "XTS", "HRK", "ANG", "ZWL", "LTL", "DEM", "ABC"])
    func refusesUnknownWithdrawnAndUnitlessCodes(_ code: String) {
        #expect(Currency.iso4217(code) == nil)
    }

    @Test func listsAllCodesSorted() {
        let codes = Currency.allCodes
        #expect(codes == codes.sorted())
        #expect(codes.count > 150)
        #expect(codes.allSatisfy { $0.utf8.count == 3 && $0.uppercased() == $0 })
        #expect(Currency.iso4217("EUR")?.description == "EUR")
    }

    @Test func parsesDecimalStrings() throws {
        #expect(try Money.parse("10.23", currency: euro).get().minorUnits == 1023)
        #expect(try Money.parse("10.5", currency: euro).get().minorUnits == 1050)
        #expect(try Money.parse("10", currency: euro).get().minorUnits == 1000)
        #expect(try Money.parse("0", currency: euro).get().minorUnits == 0)
        #expect(try Money.parse("0.01", currency: euro).get().minorUnits == 1)
        #expect(try Money.parse("007.10", currency: euro).get().minorUnits == 710)
        #expect(try Money.parse("1500", currency: yen).get().minorUnits == 1500)
        #expect(try Money.parse("1.5", currency: dinar).get().minorUnits == 1500)
        #expect(try Money.parse("1.234", currency: dinar).get().minorUnits == 1234)
        #expect(try Money.parse("10.23", currency: euro).get().currency == euro)
    }

    @Test(arguments: ["", ".", ".5", "5.", "1,5", "1.2.3", "+5", " 5", "5 ", "1e3", "1E3", "0x10", "ten", "5€", "١٢", "--5", "-", "-.5"])
    func refusesNonDecimals(_ text: String) {
        #expect(Money.parse(text, currency: euro) == .failure(.notADecimal))
    }

    @Test func refusesNegatives() {
        #expect(Money.parse("-5", currency: euro) == .failure(.negative))
        #expect(Money.parse("-0.01", currency: euro) == .failure(.negative))
        #expect(Money.parse("-0", currency: euro) == .failure(.negative))
    }

    @Test func refusesTooManyDecimals() {
        #expect(Money.parse("10.234", currency: euro) == .failure(.tooManyDecimals(allowed: 2)))
        #expect(Money.parse("10.230", currency: euro) == .failure(.tooManyDecimals(allowed: 2)))
        #expect(Money.parse("1500.0", currency: yen) == .failure(.tooManyDecimals(allowed: 0)))
        #expect(Money.parse("1.2345", currency: dinar) == .failure(.tooManyDecimals(allowed: 3)))
    }

    @Test func refusesOverflow() throws {
        #expect(try Money.parse("92233720368547758.07", currency: euro).get().minorUnits == Int64.max)
        #expect(Money.parse("92233720368547758.08", currency: euro) == .failure(.tooLarge))
        #expect(Money.parse("9223372036854775807", currency: yen).map(\.minorUnits) == .success(Int64.max))
        #expect(Money.parse("9223372036854775808", currency: yen) == .failure(.tooLarge))
        #expect(Money.parse(String(repeating: "9", count: 40), currency: euro) == .failure(.tooLarge))
        #expect(try Money.parse(String(repeating: "0", count: 40) + "1", currency: euro).get().minorUnits == 100)
    }

    @Test func printsExactlyTheExponentsDigits() {
        #expect(Money(minorUnits: 1023, currency: euro).decimalString == "10.23")
        #expect(Money(minorUnits: 1050, currency: euro).decimalString == "10.50")
        #expect(Money(minorUnits: 5, currency: euro).decimalString == "0.05")
        #expect(Money(minorUnits: 0, currency: euro).decimalString == "0.00")
        #expect(Money(minorUnits: 1500, currency: yen).decimalString == "1500")
        #expect(Money(minorUnits: 1500, currency: dinar).decimalString == "1.500")
        #expect(Money(minorUnits: 7, currency: Currency.iso4217("CLF")!).decimalString == "0.0007")
        #expect(Money(minorUnits: -1023, currency: euro).decimalString == "-10.23")
        #expect(Money(minorUnits: Int64.min, currency: euro).decimalString == "-92233720368547758.08")
        #expect(Money(minorUnits: 1023, currency: euro).description == "10.23 EUR")
    }

    @Test func roundTripsThroughText() throws {
        for minorUnits: Int64 in [0, 1, 9, 10, 99, 100, 101, 123_456_789, Int64.max] {
            for currency in [euro, yen, dinar] {
                let money = Money(minorUnits: minorUnits, currency: currency)
                #expect(try Money.parse(money.decimalString, currency: currency).get() == money)
            }
        }
    }
}
