import PGClient
import TestSupport
import Testing

@Suite("COPY")
struct CopyTests {
    struct StopReading: Error {}

    /// COPY text format: tab-separated, with backslash escapes for the characters that would break it.
    private func copyText(_ field: String) -> String {
        var escaped = ""
        for character in field {
            switch character {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    @Test func tenThousandRowsRoundTrip() async throws {
        let rows = (0..<10_000).map { number in
            (number, "row \(number) ✓ tab\there, backslash \\ and newline\nend")
        }
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("copy_rt", columns: "id int PRIMARY KEY, label text", pool: pool) { table in
                let lines = rows.map { Array("\($0.0)\t\(copyText($0.1))".utf8) }
                let copiedIn = try await pool.withConnection { connection in
                    try connection.copyIn("COPY \(table) (id, label) FROM STDIN", rows: lines)
                }
                #expect(copiedIn == 10_000)

                let sample = try await pool.withConnection { connection in
                    try connection.query("SELECT label FROM \(table) WHERE id = $1", [1234])[0].decode(String.self, 0)
                }
                #expect(sample == rows[1234].1)

                let (copiedOut, chunks) = try await pool.withConnection { connection in
                    var chunks: [[UInt8]] = []
                    let count = try connection.copyOut("COPY (SELECT id, label FROM \(table) ORDER BY id) TO STDOUT") {
                        chunks.append($0)
                    }
                    return (count, chunks)
                }
                #expect(copiedOut == 10_000)
                let expected = lines.map { $0 + [UInt8(ascii: "\n")] }
                #expect(chunks == expected)
            }
        }
    }

    @Test func csvRowsWithTrailingNewlinesAreNotDoubled() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("copy_csv", columns: "a text, b text", pool: pool) { table in
                let rows: [[UInt8]] = [Array("x,\"multi\nline\"\n".utf8), Array("y,plain".utf8)]
                let count = try await pool.withConnection { connection in
                    try connection.copyIn("COPY \(table) FROM STDIN (FORMAT csv)", rows: rows)
                }
                #expect(count == 2)
                let values = try await pool.withConnection { connection in
                    try connection.query("SELECT b FROM \(table) ORDER BY a", []).map { try $0.decode(String.self, 0) }
                }
                #expect(values == ["multi\nline", "plain"])
            }
        }
    }

    @Test func badInputFailsTheCopyAndLeavesTheConnectionUsable() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("copy_bad", columns: "id int", pool: pool) { table in
                let error = await #expect(throws: PGError.self) {
                    try await pool.withConnection { connection in
                        try connection.copyIn("COPY \(table) FROM STDIN", rows: [Array("1".utf8), Array("secret-not-a-number".utf8)])
                    }
                }
                #expect(error?.code == .copyFailed)
                #expect(error?.sqlState == "22P02")
                #expect(error?.description.contains("secret-not-a-number") == false)
                let count = try await pool.withConnection {
                    try $0.query("SELECT count(*) FROM \(table)", [])[0].decode(Int.self, 0)
                }
                #expect(count == 0)
            }
        }
    }

    @Test func aConsumerThatThrowsStopsTheCopyOut() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let (received, followUp) = try await pool.withConnection { connection in
                var received = 0
                #expect(throws: StopReading.self) {
                    _ = try connection.copyOut("COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT") { _ in
                        received += 1
                        if received == 10 { throw StopReading() }
                    }
                }
                return (received, try connection.query("SELECT 99", [])[0].decode(Int.self, 0))
            }
            #expect(received == 10)
            #expect(followUp == 99)
        }
    }

    @Test func aCopyStatementPassedToQueryIsRefusedCleanly() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            try await TestDatabase.withTable("copy_misuse", columns: "id int", pool: pool) { table in
                try await pool.withConnection { connection in
                    #expect(throws: PGError.self) { try connection.execute("COPY \(table) FROM STDIN") }
                    #expect(throws: PGError.self) { try connection.execute("COPY (SELECT 1) TO STDOUT") }
                    #expect(throws: PGError.self) { _ = try connection.copyIn("SELECT 1", rows: [[UInt8]]()) }
                    let five = try connection.query("SELECT 5", [])[0].decode(Int.self, 0)
                    #expect(five == 5)
                }
            }
        }
    }
}
