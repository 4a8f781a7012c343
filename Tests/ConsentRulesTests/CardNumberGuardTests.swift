import Testing
@testable import ConsentRules

@Suite("Card number guard")
struct CardNumberGuardTests {
    @Test(arguments: [
        "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "order-4111111111111111",
        "pan 4111111111111111 12", "card: 4111 1111 1111 1111, exp 12/28", "5555555555554444", "378282246310005",
        "3782 822463 10005", "6011111111111117", "4222222222222", "6759649826438453", "4111-1111 1111-1111",
        "x4111111111111111x", "12 4111 1111 1111 1111", "30569309025904", "6304000000000000000",
        "4111111111111111.", "ref:4111111111111111", "1 2 4111111111111111",
    ])
    func catchesCardNumbers(_ text: String) {
        #expect(CardNumberGuard.containsCardNumber(text))
    }

    @Test(arguments: [
        "+37066666666", "2026-11-21", "2026-11-21T10:15:00Z", "2026-11-21T10:15:00.123456Z",
        "700f6eda-1af5-4a77-9605-988845aac875", "123e4567-e89b-12d3-a456-426614174000", "10.23", "1500",
        "235.114.187.1", "2001:db8::1", "4111111111111112", "4111 1111 1111 1112", "4111  1111 1111 1111",
        "4111 -1111 1111 1111", "4111--1111-1111-1111", "411111111111", "41111111111111111111",
        "12345678901234567890123", "00000000000000000000", "4111/1111/1111/1111", "4111.1111.1111.1111",
        "", "no digits here", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36",
        "order-8841", "1096", "+1 415 555 2671",
    ])
    func ignoresOtherNumbers(_ text: String) {
        #expect(!CardNumberGuard.containsCardNumber(text))
    }

    @Test func countsLengthsThirteenToNineteen() {
        // "0000000000000" passes Luhn; so do all-zero strings of any length, which isolates the length rule.
        #expect(!CardNumberGuard.containsCardNumber(String(repeating: "0", count: 12)))
        #expect(CardNumberGuard.containsCardNumber(String(repeating: "0", count: 13)))
        #expect(CardNumberGuard.containsCardNumber(String(repeating: "0", count: 19)))
        #expect(!CardNumberGuard.containsCardNumber(String(repeating: "0", count: 20)))
        // Twenty digits in two groups: a 13-digit group alone is a candidate.
        #expect(CardNumberGuard.containsCardNumber(String(repeating: "0", count: 7) + " " + String(repeating: "0", count: 13)))
    }

    @Test func checksLuhn() {
        #expect(CardNumberGuard.passesLuhn(Array("79927398713".utf8.map { $0 - 48 })[...]))
        #expect(!CardNumberGuard.passesLuhn(Array("79927398710".utf8.map { $0 - 48 })[...]))
    }

    @Test func looksEverywhereInAJSONDocument() {
        #expect(CardNumberGuard.containsCardNumber(JSONValue.string("4111111111111111")))
        #expect(CardNumberGuard.containsCardNumber(JSONValue.number("4111111111111111")))
        #expect(CardNumberGuard.containsCardNumber(["note": ["deep": [["x": "pan 4111-1111-1111-1111"]]]]))
        #expect(CardNumberGuard.containsCardNumber(["4111111111111111": "key holds it"]))
        #expect(CardNumberGuard.containsCardNumber([1, 2, "5555 5555 5555 4444"]))
        #expect(!CardNumberGuard.containsCardNumber(["amount": "10.23", "n": 12, "b": true, "z": nil]))
        #expect(!CardNumberGuard.containsCardNumber(JSONValue.number("1.5e300")))
    }
}

@Suite struct CardNumberGuardUUIDTests {
    /// The first three groups are 16 digits that pass Luhn (4111-1111-1111-1111 regrouped 8-4-4).
    static let luhnLeadingUUID = "41111111-1111-1111-a000-00000000000b"

    @Test func aWholeUUIDIsNeverACardNumber() {
        #expect(CardNumberGuard.containsCardNumber("4111111111111111"))
        #expect(!CardNumberGuard.containsCardNumber(Self.luhnLeadingUUID))
        #expect(!CardNumberGuard.containsCardNumber(.object(["recurrenceId": .string(Self.luhnLeadingUUID)])))
    }

    @Test func theSameDigitsOutsideAUUIDAreStillRefused() {
        #expect(CardNumberGuard.containsCardNumber("ref " + Self.luhnLeadingUUID))
        #expect(CardNumberGuard.containsCardNumber("41111111-1111-1111"))
    }
}
