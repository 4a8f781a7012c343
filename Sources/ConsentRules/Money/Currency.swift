/// An ISO 4217 currency and the number of decimal places its amounts are written with.
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    public let code: String
    /// The ISO 4217 minor-unit exponent: 2 for EUR (cents), 0 for JPY, 3 for KWD.
    public let minorUnits: Int

    init(code: String, minorUnits: Int) {
        self.code = code
        self.minorUnits = minorUnits
    }

    public var description: String { code }

    /// The active ISO 4217 currency with this upper-case code, or nil.
    ///
    /// Codes whose minor unit is "N.A." in ISO 4217 (precious metals, XDR, XSU, XUA, test and no-currency codes) are
    /// not included: no amount of them can be written as a decimal string.
    public static func iso4217(_ code: String) -> Currency? {
        guard let exponent = ISO4217.exponents[code] else { return nil }
        return Currency(code: code, minorUnits: exponent)
    }

    /// Every code `iso4217(_:)` knows, sorted.
    public static var allCodes: [String] {
        ISO4217.exponents.keys.sorted()
    }
}
