import Testing
@testable import ConsentRules

@Suite("JSON parsing")
struct JSONParserTests {
    private func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    private func rejects(_ text: String) -> JSONParseError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesScalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("\"hi\"") == .string("hi"))
        #expect(try parse(" \t\r\n12 \n") == .number("12"))
    }

    @Test(arguments: ["0", "-0", "12", "-12", "1.5", "0.001", "1e5", "1E+5", "-2.5e-3", "123456789012345678901234567890"])
    func keepsNumberLiteralsVerbatim(_ literal: String) throws {
        #expect(try parse(literal) == .number(literal))
    }

    @Test(arguments: ["01", "-", "+1", "1.", ".5", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "1.e5", "--1", "1_000"])
    func rejectsInvalidNumbers(_ literal: String) {
        #expect(rejects(literal) != nil)
    }

    @Test func parsesNestedStructures() throws {
        let value = try parse(#"{"a": [1, {"b": null}, "c"], "d": {}, "e": []}"#)
        #expect(value == .object([
            "a": .array([.number("1"), .object(["b": .null]), .string("c")]),
            "d": .object([:]),
            "e": .array([]),
        ]))
        #expect(value["a"]?.arrayValue?.count == 3)
        #expect(value["missing"] == nil)
        #expect(JSONValue.string("x")["a"] == nil)
    }

    @Test func decodesEscapes() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try parse(#""abc\ndef""#) == .string("abc\ndef"))
    }

    @Test func decodesRawUTF8() throws {
        #expect(try parse("\"Žolinė — 😀\"") == .string("Žolinė — 😀"))
        #expect(try parse("{\"ключ\": \"значение\"}") == .object(["ключ": .string("значение")]))
    }

    @Test(arguments: [#""\ud83d""#, #""\ude00""#, #""\ud83d\u0041""#, #""\ud83dx""#, #""\ud83d\""#])
    func rejectsLoneSurrogates(_ text: String) {
        #expect(rejects(text)?.reason == "lone surrogate escape")
    }

    @Test func namesTheLoneSurrogate() {
        #expect(rejects(#""\ud83d""#)?.reason == "lone surrogate escape")
        #expect(rejects(#""ab\ude00""#)?.offset == 3)
    }

    @Test(arguments: [
        [0x22, 0xC3, 0x22],                   // truncated two-byte sequence
        [0x22, 0xC0, 0x80, 0x22],             // overlong NUL
        [0x22, 0xE0, 0x80, 0x80, 0x22],       // overlong three-byte
        [0x22, 0xED, 0xA0, 0x80, 0x22],       // encoded surrogate
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], // above U+10FFFF
        [0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22],
        [0x22, 0x80, 0x22],                   // lone continuation byte
        [0x22, 0xE2, 0x82, 0x22],             // truncated three-byte sequence
        [0xEF, 0xBB, 0xBF, 0x7B, 0x7D],       // byte order mark before the document
    ] as [[UInt8]])
    func rejectsInvalidUTF8(_ bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(bytes) }
    }

    @Test func acceptsEveryValidUTF8Length() throws {
        let bytes: [UInt8] = [0x22, 0x41, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0xEF, 0xBF, 0xBF, 0x22]
        #expect(try JSONValue.parse(bytes) == .string("Aé€😀\u{FFFF}"))
    }

    @Test func rejectsRawControlCharactersInStrings() {
        #expect(rejects("\"a\nb\"")?.reason == "control character in a string must be escaped")
        #expect(rejects("\"a\tb\"") != nil)
        #expect(rejects("\"é\u{1}\"") != nil)
    }

    @Test(arguments: [#""\x""#, #""\u12""#, #""\u12G4""#, #""\'""#, #""\U0041""#])
    func rejectsBadEscapes(_ text: String) {
        #expect(rejects(text) != nil)
    }

    @Test func rejectsDuplicateKeysAtTheSecondKey() {
        let error = rejects(#"{"a": 1, "a": 2}"#)
        #expect(error?.reason == "duplicate key")
        #expect(error?.offset == 9)
        #expect(rejects(#"{"x": {"a": 1, "b": {}, "a": 3}}"#)?.reason == "duplicate key")
        // Escapes are decoded before comparing: these are the same key.
        #expect(rejects(#"{"a": 1, "\u0061": 2}"#)?.reason == "duplicate key")
    }

    @Test func rejectsTrailingGarbage() {
        #expect(rejects("{} x")?.reason == "unexpected data after the JSON value")
        #expect(rejects("{}{}") != nil)
        #expect(rejects("1 2") != nil)
        #expect(rejects("nullx") != nil)
        #expect(rejects("[1]]")?.offset == 3)
    }

    @Test(arguments: ["", " ", "{", "[", "[1,", "[1,]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}", "{'a':1}",
                      "[1 2]", "tru", "nul", "True", "\"abc", "{\"a\" 1}", "[,1]", "{,}", "/* c */ 1", "\u{0}"])
    func rejectsMalformedDocuments(_ text: String) {
        #expect(rejects(text) != nil)
    }

    @Test func reportsTheOffsetOfTheProblem() {
        #expect(rejects("[1, 2, x]")?.offset == 7)
        #expect(rejects("")?.offset == 0)
        #expect(rejects("{\"a\": tru}")?.offset == 6)
        #expect(rejects("\"abc")?.reason == "unterminated string")
        #expect(rejects("\"abc")?.offset == 0)
    }

    @Test func limitsNestingTo64Levels() throws {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try parse(deepest).arrayValue != nil)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(rejects(tooDeep)?.reason == "nesting deeper than 64 levels")
        let mixed = String(repeating: "{\"a\":[", count: 32) + "1" + String(repeating: "]}", count: 32)
        #expect(try parse(mixed).objectValue != nil)
        let mixedTooDeep = String(repeating: "{\"a\":[", count: 33) + "1" + String(repeating: "]}", count: 33)
        #expect(rejects(mixedTooDeep) != nil)
        // Depth is about nesting, not about how many containers a document holds.
        let wide = "[" + Array(repeating: "[[]]", count: 1000).joined(separator: ",") + "]"
        #expect(try parse(wide).arrayValue?.count == 1000)
    }

    @Test func parsesFromAnyByteCollection() throws {
        let bytes = Array(#"{"a": "b"}"#.utf8)
        #expect(try JSONValue.parse(bytes[...]) == .object(["a": "b"]))
        #expect(try JSONValue.parse(#"[true]"#.utf8) == .array([.bool(true)]))
        let lazy = AnyCollection(bytes)
        #expect(try JSONValue.parse(lazy) == .object(["a": "b"]))
    }

    @Test func accessorsReturnNilForOtherKinds() {
        let object: JSONValue = ["s": "text", "n": 5, "b": true, "a": [1], "z": nil]
        #expect(object["s"]?.stringValue == "text")
        #expect(object["n"]?.intValue == 5)
        #expect(object["n"]?.numberText == "5")
        #expect(object["b"]?.boolValue == true)
        #expect(object["a"]?.arrayValue == [.number("1")])
        #expect(object["z"]?.isNull == true)
        #expect(object.objectValue?.count == 5)
        #expect(object["s"]?.intValue == nil)
        #expect(object["n"]?.stringValue == nil)
        #expect(object["s"]?.boolValue == nil)
        #expect(object["s"]?.arrayValue == nil)
        #expect(object["s"]?.objectValue == nil)
        #expect(object["s"]?.numberText == nil)
    }

    @Test(arguments: [("12", 12), ("-3", -3), ("0", 0), ("-0", 0)])
    func intValueReadsIntegerLiterals(_ literal: String, _ expected: Int) {
        #expect(JSONValue.number(literal).intValue == expected)
    }

    @Test(arguments: ["12.0", "1e2", "1E2", "99999999999999999999", "0.5"])
    func intValueRefusesOtherNumbers(_ literal: String) {
        #expect(JSONValue.number(literal).intValue == nil)
    }

    @Test func errorDescriptionNamesOffsetAndReason() {
        #expect(JSONParseError(offset: 4, reason: "duplicate key").description == "invalid JSON at byte 4: duplicate key")
    }
}
