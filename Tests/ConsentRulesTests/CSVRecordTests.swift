import Testing

@testable import ConsentRules

@Suite struct CSVRecordTests {
    static func line(_ fields: [String?]) -> String {
        var bytes: [UInt8] = []
        CSVRecord.append(fields, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func plainFieldsAreWrittenAsTheyAreAndRecordsEndWithCRLF() {
        #expect(Self.line(["a", "b c", "Zoë"]) == "a,b c,Zoë\r\n")
        #expect(Self.line([nil, "", nil]) == ",,\r\n")
    }

    @Test func commasQuotesAndLineBreaksAreQuotedWithQuotesDoubled() {
        #expect(Self.line(["a,b"]) == "\"a,b\"\r\n")
        #expect(Self.line(["say \"hi\""]) == "\"say \"\"hi\"\"\"\r\n")
        #expect(Self.line(["one\r\ntwo\nthree"]) == "\"one\r\ntwo\nthree\"\r\n")
    }

    @Test(arguments: ["=1+2", "+37060000000", "-2", "@SUM(A1)", "\tx", "\rx", "'quoted"])
    func cellsAFormulaCouldStartWithGetOneApostrophe(value: String) {
        let written = Self.line([value])
        let expected = value.contains("\r") ? "\"'" + value + "\"\r\n" : "'" + value + "\r\n"
        #expect(written == expected)
    }

    @Test func aGuardedCellThatNeedsQuotesHasTheApostropheInsideTheQuotes() {
        #expect(Self.line(["=HYPERLINK(\"x\",\"y\")"]) == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"\r\n")
        #expect(Self.line(["a=1", "x-y", "me@example.com"]) == "a=1,x-y,me@example.com\r\n", "only the first character counts")
    }
}
