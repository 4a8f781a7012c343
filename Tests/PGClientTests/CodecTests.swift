import Foundation
import PGClient
import TestSupport
import Testing

@Suite("Binding and decoding values")
struct CodecTests {
    /// Sends `value` as `$1::type`, reads it back as T.
    private func roundTrip<T: PGBindable & PGDecodable>(_ value: T, as type: String) async throws -> T {
        try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { connection in
                try connection.query("SELECT $1::\(type)", [value])[0].decode(T.self, 0)
            }
        }
    }

    @Test func strings() async throws {
        for text in ["", "plain", "héllo wörld", "日本語テキスト", "emoji 🎉👩‍👩‍👧", "quote ' and \\ backslash", "tab\tnew\nline"] {
            #expect(try await roundTrip(text, as: "text") == text)
        }
    }

    @Test func integers() async throws {
        for value in [0, 1, -1, Int.max, Int.min] {
            #expect(try await roundTrip(value, as: "bigint") == value)
        }
        for value in [Int64.max, Int64.min, 42] {
            #expect(try await roundTrip(value, as: "int8") == value)
        }
        for value in [Int32.max, Int32.min, 7] {
            #expect(try await roundTrip(value, as: "int4") == value)
        }
        for value in [Int16.max, Int16.min, -3] {
            #expect(try await roundTrip(value, as: "int2") == value)
        }
    }

    @Test func booleans() async throws {
        #expect(try await roundTrip(true, as: "boolean") == true)
        #expect(try await roundTrip(false, as: "boolean") == false)
    }

    @Test func doubles() async throws {
        for value in [0.0, 3.141592653589793, -2.5e-300, 1.7976931348623157e308, 0.1, Double.infinity, -Double.infinity] {
            #expect(try await roundTrip(value, as: "float8") == value)
        }
        #expect(try await roundTrip(Double.nan, as: "float8").isNaN)
    }

    @Test func uuids() async throws {
        let value = UUID()
        #expect(try await roundTrip(value, as: "uuid") == value)
        let text = try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { try $0.query("SELECT $1::uuid::text", [value])[0].decode(String.self, 0) }
        }
        #expect(text == value.uuidString.lowercased())
        #expect(value.lowercasedString == text)
    }

    /// The service's own UUID text parser and formatter agree with Foundation's, and refuse what it refuses.
    @Test func uuidTextBothWays() throws {
        for _ in 0..<1_000 {
            let value = UUID()
            #expect(value.lowercasedString == value.uuidString.lowercased())
            #expect(try UUID(pgText: value.uuidString) == value)
            #expect(try UUID(pgText: value.lowercasedString) == value)
            #expect(UUID(canonicalText: value.uuidString) == value)
        }
        let nil16 = "00000000-0000-0000-0000-000000000000"
        #expect(try UUID(pgText: nil16).lowercasedString == nil16)
        for bad in [
            "", "0191a5e0-0000-7000-8000-00000000000", "0191a5e0-0000-7000-8000-0000000000000",
            "0191a5e0a0000-7000-8000-000000000000", "0191a5e0-0000-7000-8000-00000000000g",
            "0191a5e-00000-7000-8000-000000000000", "{0191a5e0-0000-7000-8000-000000000000}",
            "0191a5e0-0000-7000-8000-00000000000\u{e9}",
        ] {
            #expect(UUID(uuidString: bad) == nil, "Foundation refuses \(bad)")
            #expect(throws: PGError.self, "\(bad)") { try UUID(pgText: bad) }
            #expect(UUID(canonicalText: bad) == nil, "\(bad)")
        }
    }

    @Test func byteaHexText() throws {
        #expect(try [UInt8](pgText: "\\x") == [])
        #expect(try [UInt8](pgText: "\\x00ff7Fa0") == [0x00, 0xFF, 0x7F, 0xA0])
        for bad in ["00ff", "\\x0", "\\x0g", "\\xff f"] {
            #expect(throws: PGError.self, "\(bad)") { try [UInt8](pgText: bad) }
        }
    }

    @Test func bytea() async throws {
        let everyByte = (0...255).map { UInt8($0) }
        #expect(try await roundTrip(everyByte, as: "bytea") == everyByte)
        #expect(try await roundTrip([UInt8](), as: "bytea") == [])
        let length = try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { try $0.query("SELECT length($1::bytea)", [everyByte])[0].decode(Int.self, 0) }
        }
        #expect(length == 256)
    }

    @Test func textArraysKeepEveryElementWhole() async throws {
        let elements: [String?] = [
            "plain", "", nil, "NULL", "comma, and {braces}", "quote \" and \\ backslash", " blanks ", "日本語",
        ]
        let back = try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { connection in
                let result = try connection.query(
                    "SELECT e, n FROM unnest($1::text[]) WITH ORDINALITY AS a(e, n) ORDER BY n", [PGTextArray(elements)])
                return try (0..<result.rowCount).map { try result[$0].decode(String?.self, 0) }
            }
        }
        #expect(back == elements)
        let empty = try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { try $0.query("SELECT cardinality($1::uuid[])", [PGTextArray([])])[0].decode(Int.self, 0) }
        }
        #expect(empty == 0)
    }

    @Test func nullsBindAndDecodeAsNil() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { connection in
                let missing: String? = nil
                let present: Int? = 5
                let row = try connection.query("SELECT $1::text, $2::int, $1::text IS NULL", [missing, present])[0]
                #expect(row.isNull(0))
                #expect(try row.decode(String?.self, 0) == nil)
                #expect(try row.decode(Int?.self, 1) == 5)
                #expect(try row.decode(Bool.self, 2))
                let error = #expect(throws: PGError.self) { try row.decode(String.self, 0) }
                #expect(error?.code == .decodingFailed)
            }
        }
    }

    @Test func everyTypeThroughATable() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable(
                "codec",
                columns: "t text, i bigint, i4 int, i2 smallint, b boolean, d float8, u uuid, y bytea, n text",
                pool: pool
            ) { table in
                let id = UUID()
                let nothing: String? = nil
                let binds: [any PGBindable] = ["zoë ✓", Int.min, Int32(-5), Int16(300), true, -0.5, id, [UInt8]([0, 1, 0xFF]), nothing]
                let row: [String] = try await pool.withConnection { connection in
                    _ = try connection.query(
                        PGStatement("INSERT INTO \(table) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"), binds)
                    let row = try connection.query("SELECT * FROM \(table)", [])[0]
                    #expect(try row.decode(String.self, 0) == "zoë ✓")
                    #expect(try row.decode(Int.self, 1) == Int.min)
                    #expect(try row.decode(Int32.self, 2) == -5)
                    #expect(try row.decode(Int16.self, 3) == 300)
                    #expect(try row.decode(Bool.self, 4))
                    #expect(try row.decode(Double.self, 5) == -0.5)
                    #expect(try row.decode(UUID.self, 6) == id)
                    #expect(try row.decode([UInt8].self, 7) == [0, 1, 0xFF])
                    #expect(try row.decode(String?.self, 8) == nil)
                    return try (0..<row.columnCount).map { try row.decode(String?.self, $0) ?? "NULL" }
                }
                #expect(row.count == 9)
            }
        }
    }

    @Test func decodingFailuresDoNotRevealTheValue() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { connection in
                let row = try connection.query("SELECT 'sensitive-text'::text", [])[0]
                let error = #expect(throws: PGError.self) { try row.decode(Int.self, 0) }
                #expect(error?.code == .decodingFailed)
                #expect(error?.description.contains("sensitive-text") == false)
                let missingColumn = #expect(throws: PGError.self) { try row.decode(String.self, 3) }
                #expect(missingColumn?.code == .decodingFailed)
            }
        }
    }

    @Test func sessionsUseUTCAndISODates() async throws {
        let settings = try await TestDatabase.withPool(size: 1) { pool in
            try await pool.withConnection { connection in
                let row = try connection.query(
                    "SELECT current_setting('TimeZone'), current_setting('DateStyle'), '2024-03-05 12:34:56.5+02'::timestamptz::text",
                    [])[0]
                return try [row.decode(String.self, 0), row.decode(String.self, 1), row.decode(String.self, 2)]
            }
        }
        #expect(settings == ["UTC", "ISO, MDY", "2024-03-05 10:34:56.5+00"])
    }
}

@Suite("Text formats, without a database")
struct TextFormatTests {
    @Test func byteaHex() throws {
        #expect([UInt8]([0x00, 0xAB, 0x10]).pgText == "\\x00ab10")
        #expect(try [UInt8](pgText: "\\x00AB10") == [0x00, 0xAB, 0x10])
        #expect(throws: PGError.self) { try [UInt8](pgText: "\\x0") }
        #expect(throws: PGError.self) { try [UInt8](pgText: "00ab") }
        #expect(throws: PGError.self) { try [UInt8](pgText: "\\xzz") }
    }

    @Test func scalarsRejectGarbage() {
        #expect(throws: PGError.self) { try Int(pgText: "12a") }
        #expect(throws: PGError.self) { try Int16(pgText: "70000") }
        #expect(throws: PGError.self) { try Bool(pgText: "yes") }
        #expect(throws: PGError.self) { try UUID(pgText: "not-a-uuid") }
        #expect(throws: PGError.self) { try Double(pgText: "one") }
    }

    @Test func statementNamesFollowTheSQL() {
        #expect(PGStatement("SELECT 1").name == PGStatement("SELECT 1").name)
        #expect(PGStatement("SELECT 1").name != PGStatement("SELECT 2").name)
        #expect(PGStatement("SELECT 1").name.count < 64)
    }
}
