import Testing
@testable import ConsentRules

@Suite("JSON canonical serialisation")
struct JSONSerializerTests {
    @Test func writesWithoutWhiteSpaceAndWithSortedKeys() {
        let value: JSONValue = ["b": [1, true, nil], "a": "x", "c": ["z": 1, "y": 2]]
        #expect(value.canonicalText == #"{"a":"x","b":[1,true,null],"c":{"y":2,"z":1}}"#)
        #expect(value.serialized() == Array(value.canonicalText.utf8))
    }

    @Test func escapesMinimally() {
        let value = JSONValue.string("q\" b\\ \u{8}\u{C}\n\r\t \u{0}\u{1F} / é 😀 \u{7F}")
        #expect(value.canonicalText == #""q\" b\\ \b\f\n\r\t \u0000\u001f / é 😀 "# + "\u{7F}\"")
    }

    @Test func keepsNumberLiteralsAsWritten() throws {
        let value = try JSONValue.parse(Array(#"[1.50, -0, 1E+5, 10]"#.utf8))
        #expect(value.canonicalText == "[1.50,-0,1E+5,10]")
    }

    @Test func sortsKeysByUTF16CodeUnits() {
        // By code point U+FF61 comes before U+1F600, but in UTF-16 the emoji starts with 0xD83D < 0xFF61.
        let value: JSONValue = ["\u{FF61}": 1, "😀": 2, "a": 3, "B": 4, "": 5, "aa": 6]
        #expect(value.canonicalText == "{\"\":5,\"B\":4,\"a\":3,\"aa\":6,\"😀\":2,\"\u{FF61}\":1}")
    }

    @Test func keyOrderMatchesUTF16ComparisonForAwkwardPairs() {
        let keys = ["", "a", "ab", "b", "é", "\u{FFFF}", "\u{E000}", "\u{D7FF}", "\u{10000}", "😀", "😁", "😀a", "a😀",
                    "\u{10FFFF}", "\u{FF61}", "Z", "\u{7F}", "\u{80}", "€", "𝄞"]
        for left in keys {
            for right in keys {
                #expect(JSONValue.precedesInUTF16Order(left, right) == left.utf16.lexicographicallyPrecedes(right.utf16),
                        "\(left.unicodeScalars.map(\.value)) vs \(right.unicodeScalars.map(\.value))")
            }
        }
    }

    @Test func membersAreWrittenInUTF16KeyOrder() {
        // Keys alike in their first eight bytes, ending there, holding U+0000, or not ASCII early or late.
        let awkward = ["", "\u{0}", "a", "a\u{0}", "ab", "abcdefg", "abcdefgh", "abcdefgh\u{0}", "abcdefgha", "abcdefgg",
                       "abcdefgh😀", "abcdefgh\u{FFFF}", "abcdefg\u{E000}", "abcdefg😀", "é", "a😀", "a\u{E000}",
                       "\u{E000}", "😀", "Z", "\u{7F}", "\u{80}", "zzzzzzzzz", "zzzzzzzz"]
        var random = SplitMix64(seed: 20_261_122)
        let pieces = ["a", "b", "\u{0}", "\u{7F}", "é", "\u{E000}", "\u{FFFF}", "😀", "𝄞"]
        var samples = [awkward]
        for _ in 0..<300 {
            samples.append((0..<12).map { _ in
                (0..<Int.random(in: 0...10, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
            })
        }
        for keys in samples {
            let members = Dictionary(keys.map { ($0, JSONValue.null) }, uniquingKeysWith: { first, _ in first })
            let written = JSONValue.membersInKeyOrder(members).map(\.member.key)
            let expected = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            #expect(written == expected, "\(expected.map { $0.unicodeScalars.map(\.value) })")
        }
    }

    @Test func roundTripsParsedDocuments() throws {
        let text = #"{"merchantReference":"order-8841","nested":{"list":[{"k":"v\n"},[],{}],"n":-1.5e3},"t":true}"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value.canonicalText == text)
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    @Test func reparsesEveryEscapedControlCharacter() throws {
        let allControls = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        let value = JSONValue.string(allControls + "\"\\")
        #expect(try JSONValue.parse(value.serialized()) == value)
    }

    @Test func literalsBuildTheExpectedCases() {
        let value: JSONValue = ["n": 3, "s": "x", "b": false, "z": nil, "a": ["y"]]
        #expect(value == .object(["n": .number("3"), "s": .string("x"), "b": .bool(false), "z": .null, "a": .array([.string("y")])]))
        #expect(JSONValue.integer(Int64(-42)) == .number("-42"))
        let repeated: JSONValue = ["k": 1, "k": 2]
        #expect(repeated == ["k": 2])
    }

    @Test func emptyContainers() {
        #expect(JSONValue.object([:]).canonicalText == "{}")
        #expect(JSONValue.array([]).canonicalText == "[]")
    }
}

