import ConsentRules
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PGClient
import Synchronization
import TestSupport
import Testing

@testable import ConsentService

/// `GET /v1/exports/consents` over real HTTP (a listening server), read back with Python's csv module and
/// compared with the API's own record of every consent.
@Suite struct ExportTests {
    /// Reads CSV from stdin with Python's csv module, undoes the formula guard (one leading apostrophe), and
    /// prints the header and the rows as one JSON array.
    static let pythonReader = """
        import csv, json, sys
        rows = list(csv.reader(sys.stdin.buffer.read().decode("utf-8").splitlines(keepends=True), strict=True))
        unguard = lambda cell: cell[1:] if cell.startswith("'") else cell
        print(json.dumps([rows[0]] + [[unguard(cell) for cell in row] for row in rows[1:]]))
        """

    static func liveTest<T: Sendable>(
        _ merchant: TestMerchant, _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let app = Application(router: buildRouter(merchant.dependencies))
        return try await app.test(.live, body)
    }

    /// A whole response from the live server, read by curl: the test framework's client gives a request 20
    /// seconds, which a 10,000-row export in a debug build on a busy CI machine can outlast.
    static func download(port: Int, _ path: String, key: String?) async throws
        -> (status: Int, headers: [String: String], body: [UInt8])
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("download-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let headerFile = folder.appendingPathComponent("headers").path
        let bodyFile = folder.appendingPathComponent("body").path
        let curl = try await ExternalCommand.run(
            "curl", [
                "-sS", "--max-time", "600", "-H", "Authorization: Bearer \(key ?? "")", "-D", headerFile, "-o", bodyFile,
                "http://127.0.0.1:\(port)\(path)",
            ])
        try #require(curl.status == 0, "curl: \(curl.output)")
        let lines = try String(contentsOfFile: headerFile, encoding: .utf8).components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, Array(try Data(contentsOf: URL(fileURLWithPath: bodyFile))))
    }

    /// The text a CSV cell holds for the API's value at `path`: strings as they are, numbers and booleans as
    /// JSON spells them, empty for null or absent.
    static func cell(_ json: JSONValue, path: String) -> String {
        var value: JSONValue? = json
        for key in path.split(separator: ".") { value = value?[String(key)] }
        switch value {
        case .string(let text)?: return text
        case .number(let text)?: return text
        case .bool(let flag)?: return flag ? "true" : "false"
        default: return ""
        }
    }

    /// Every path to a value that is not an object, as a CSV column would name it.
    static func leafPaths(_ json: JSONValue, prefix: String = "") -> Set<String> {
        guard case .object(let members) = json else { return [prefix] }
        return members.reduce(into: Set<String>()) { paths, member in
            let path = prefix.isEmpty ? member.key : prefix + "." + member.key
            if case .null = member.value, ["terms.frequency", "cancellation", "pendingAmendment"].contains(path) {
                return  // spelled out by their own columns, empty
            }
            paths.formUnion(leafPaths(member.value, prefix: path))
        }
    }

    static func body(_ index: Int) -> JSONValue {
        var body = ConsentBody.valid(reference: "export-\(index)")
        switch index % 4 {
        case 0:
            body = body.setting("consumer.firstName", .string("=HYPERLINK(\"http://x.example\",\"y\")"))
                .setting("consumer.lastName", .string("O'Brien, \"Jr\""))
        case 1:
            body = body.setting("consumer.firstName", .string("@SUM(1+1)")).setting("consumer.lastName", .string("-Dash"))
                .setting("evidence.userAgent", .string("Mozilla/5.0 (X11; Linux x86_64), \"quoted\""))
        case 2:
            body = body.setting("consumer.firstName", .string("'already quoted")).setting("consumer.phone", nil)
                .setting("evidence.userAgent", nil)
        default:
            body = body.setting("consumer.firstName", .string("Zoë Ąžuolė")).setting(
                "evidence.disclosureText", .string("Line one,\r\nline \"two\"\nand three"))
        }
        return body
    }

    @Test func tenThousandConsentsExportAsCSVThatPythonReadsAndThatMatchTheAPIRecordByRecord() async throws {
        let merchant = try await TestMerchant.make()
        let count = 10_000
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    try await merchant.test { client in
                        for index in stride(from: lane, to: count, by: 8) {
                            let created = try await client.call(
                                .post, "/v1/consents", key: merchant.keys[.checkout], json: Self.body(index))
                            try #require(created.status == .created, "\(index): \(String(decoding: created.bytes, as: UTF8.self))")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        // One cancelled, so that its cancellation's columns are filled too.
        try await merchant.test { client in
            let read = try await client.call(.get, "/v1/consents?merchantReference=export-3", key: merchant.keys[.billing])
            let id = try #require(try read.json["id"]?.stringValue)
            let cancelled = try await client.call(
                .post, "/v1/consents/\(id)/cancel", key: merchant.keys[.billing],
                json: ["requestedBy": "consumer", "reason": "=moved, \"abroad\""])
            #expect(cancelled.status == .ok)
            // One with a change still to come, and one whose accepted change applies from today: the export
            // shows each with the terms in force and its version.
            for (reference, body) in [
                ("export-5", ["terms": ["amount": "9.99"], "effectiveFrom": "2027-01-14", "reason": "promo"] as JSONValue),
                (
                    "export-7",
                    [
                        "terms": ["amount": "12.99"], "effectiveFrom": "2026-11-21", "reason": "price review",
                        "evidence": [
                            "acceptedAt": "2026-11-21T11:00:00Z", "ipAddress": "235.114.187.1",
                            "disclosureText": "12.99 EUR from today", "disclosureVersion": "2026-11b",
                        ],
                    ]
                ),
            ] {
                let found = try await client.call(
                    .get, "/v1/consents?merchantReference=\(reference)", key: merchant.keys[.billing])
                let amendedId = try #require(try found.json["id"]?.stringValue)
                let amended = try await client.call(
                    .post, "/v1/consents/\(amendedId)/amendments", key: merchant.keys[.billing], json: body)
                #expect(amended.status == .created)
            }
        }
        // A consent of the next day (in Vilnius) is outside the range.
        merchant.clock.advance(seconds: 86400)
        _ = try await ConfirmationDeliveryTests.capture(merchant, ConsentBody.valid(reference: "tomorrow"))

        let (csv, ndjson) = try await Self.liveTest(merchant) { client in
            let port = try #require(client.port)
            let csv = try await Self.download(
                port: port, "/v1/exports/consents?from=2026-11-21&to=2026-11-21&format=csv", key: merchant.keys[.auditor])
            #expect(csv.status == 200)
            #expect(csv.headers["content-type"] == "text/csv; charset=utf-8; header=present")
            #expect(csv.headers["content-disposition"]?.contains("consents-\(merchant.id)-2026-11-21-2026-11-21.csv") == true)
            let ndjson = try await Self.download(
                port: port, "/v1/exports/consents?from=2026-11-21&to=2026-11-21&format=ndjson", key: merchant.keys[.admin])
            #expect(ndjson.headers["content-type"] == "application/x-ndjson")
            return (csv.body, ndjson.body)
        }

        let parsed = try await ExternalCommand.run("python3", ["-c", Self.pythonReader], input: csv)
        try #require(parsed.status == 0, "Python's csv module refused the export: \(parsed.output.prefix(2000))")
        let table = try #require(try JSONValue.parse(Array(parsed.output.utf8)).arrayValue)
        let headerCells = table.first?.arrayValue?.compactMap { $0.stringValue }
        let header = try #require(headerCells)
        let rows = table.dropFirst().compactMap { $0.arrayValue?.compactMap(\.stringValue) }
        #expect(rows.count == count)
        #expect(rows.allSatisfy { $0.count == header.count })

        let lines = ndjson.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        #expect(lines.last?.isEmpty == true, "every line ends with a newline")
        let records = try lines.dropLast().map { try JSONValue.parse($0) }
        #expect(records.count == count)
        let apiPaths = records.reduce(into: Set<String>()) { $0.formUnion(Self.leafPaths($1)) }
        #expect(Set(header) == apiPaths, "one column per field of the API: \(Set(header).symmetricDifference(apiPaths))")

        // Same consents, same order, in both formats; every cell the API's value.
        let idColumn = try #require(header.firstIndex(of: "id"))
        #expect(rows.map { $0[idColumn] } == records.map { Self.cell($0, path: "id") })
        #expect(rows.map { $0[idColumn] } == rows.map { $0[idColumn] }.sorted(), "in id order")
        for (row, record) in zip(rows, records) {
            for (column, name) in header.enumerated() where row[column] != Self.cell(record, path: name) {
                Issue.record("\(name) of \(row[idColumn]): CSV \(row[column]) but API \(Self.cell(record, path: name))")
            }
        }
        #expect(!records.contains { Self.cell($0, path: "merchantReference") == "tomorrow" })
        let byReference = Dictionary(uniqueKeysWithValues: records.map { (Self.cell($0, path: "merchantReference"), $0) })
        #expect(byReference["export-5"].map { Self.cell($0, path: "pendingAmendment.effectiveFrom") } == "2027-01-14")
        #expect(byReference["export-5"].map { Self.cell($0, path: "termsVersion") } == "1")
        #expect(byReference["export-7"].map { Self.cell($0, path: "terms.amount") } == "12.99")
        #expect(byReference["export-7"].map { Self.cell($0, path: "termsVersion") } == "2")

        // Each line is exactly what the API answers for that consent.
        try await withThrowingTaskGroup(of: Int.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    try await merchant.test { client in
                        var mismatches = 0
                        for record in stride(from: lane, to: records.count, by: 8).map({ records[$0] }) {
                            let read = try await client.call(
                                .get, "/v1/consents/\(Self.cell(record, path: "id"))", key: merchant.keys[.auditor])
                            if try read.json != record { mismatches += 1 }
                        }
                        return mismatches
                    }
                }
            }
            var mismatches = 0
            for try await lane in group { mismatches += lane }
            #expect(mismatches == 0)
        }

        // Both exports are on the merchant's record: who, what range and format, how many rows.
        try await merchant.test { client in
            let page = try await client.call(.get, "/v1/merchant-events", key: merchant.keys[.auditor])
            let events = try #require(try page.json["events"]?.arrayValue)
            #expect(events.compactMap { $0["type"]?.stringValue } == [
                "export.started", "export.completed", "export.started", "export.completed",
            ])
            #expect(events[0]["actor"]?.stringValue?.hasPrefix("key:") == true)
            #expect(events[0]["data"]?["from"]?.stringValue == "2026-11-21")
            #expect(events[0]["data"]?["to"]?.stringValue == "2026-11-21")
            #expect(events[0]["data"]?["format"]?.stringValue == "csv")
            #expect(events[2]["data"]?["format"]?.stringValue == "ndjson")
            #expect(events[1]["data"]?["rows"] == .number("10000"))
            #expect(events[1]["data"]?["bytes"] == .number(String(csv.count)))
            #expect(events[1]["data"]?["exportId"] == events[0]["data"]?["exportId"])
        }
    }

    @Test func theRangeIsInTheMerchantsTimeZoneWithBothDaysIncluded() async throws {
        let merchant = try await TestMerchant.make(timeZone: "America/New_York")
        // 2026-11-21T12:00Z is 07:00 in New York; 17 hours on it is 00:00 on the 22nd there.
        let first = try await ConfirmationDeliveryTests.capture(merchant, ConsentBody.valid(reference: "day-21"))
        merchant.clock.advance(seconds: 17 * 3600 - 1)
        let last = try await ConfirmationDeliveryTests.capture(merchant, ConsentBody.valid(reference: "day-21-late"))
        merchant.clock.advance(seconds: 1)
        let next = try await ConfirmationDeliveryTests.capture(merchant, ConsentBody.valid(reference: "day-22"))
        try await merchant.test { client in
            func exported(_ from: String, _ to: String) async throws -> [String] {
                let response = try await client.call(
                    .get, "/v1/exports/consents?from=\(from)&to=\(to)&format=ndjson", key: merchant.keys[.auditor])
                #expect(response.status == .ok)
                return try response.bytes.split(separator: UInt8(ascii: "\n")).map {
                    try JSONValue.parse($0)["id"]?.stringValue ?? ""
                }
            }
            #expect(try await exported("2026-11-21", "2026-11-21") == [first, last])
            #expect(try await exported("2026-11-22", "2026-11-30") == [next])
            #expect(try await exported("2026-11-20", "2026-11-22") == [first, last, next])
            #expect(try await exported("2026-11-23", "2026-11-23") == [])
            let empty = try await client.call(
                .get, "/v1/exports/consents?from=2026-11-23&to=2026-11-23", key: merchant.keys[.auditor])
            #expect(String(decoding: empty.bytes, as: UTF8.self).hasPrefix("id,status,merchantReference,"))
            #expect(empty.bytes.filter { $0 == UInt8(ascii: "\n") }.count == 1, "the header alone")
        }
    }

    @Test func onlyAuditorsAndAdminsExportAndBadParametersAreListed() async throws {
        let merchant = try await TestMerchant.make()
        _ = try await ConfirmationDeliveryTests.capture(merchant, ConsentBody.valid())
        try await merchant.test { client in
            let uri = "/v1/exports/consents?from=2026-11-01&to=2026-11-30"
            #expect(try await client.call(.get, uri, key: nil).status == .unauthorized)
            #expect(try await client.call(.get, uri, key: "csk_unknown").status == .unauthorized)
            for role in [Role.checkout, .billing] {
                let refused = try await client.call(.get, uri, key: merchant.keys[role])
                #expect(refused.status == .forbidden)
                #expect(refused.errorCode == "forbidden")
            }
            let bad = try await client.call(
                .get, "/v1/exports/consents?from=2026-13-01&format=xlsx", key: merchant.keys[.auditor])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["from", "to", "format"])
            let backwards = try await client.call(
                .get, "/v1/exports/consents?from=2026-11-30&to=2026-11-01", key: merchant.keys[.auditor])
            #expect(backwards.errorFields == ["to"])
            // PostgreSQL has no year 0: such a range is refused before the answer starts, not cut off in it.
            let yearZero = try await client.call(
                .get, "/v1/exports/consents?from=0000-01-01&to=2026-11-30", key: merchant.keys[.auditor])
            #expect(yearZero.status == .unprocessableContent)
            #expect(yearZero.errorFields == ["from"])
            for role in [Role.checkout, .billing] {
                #expect(try await client.call(.get, "/v1/merchant-events", key: merchant.keys[role]).status == .forbidden)
            }
            let events = try await client.call(.get, "/v1/merchant-events", key: merchant.keys[.admin])
            #expect(try events.json["events"]?.arrayValue?.isEmpty == true, "refused exports record nothing")
        }
    }

    @Test func aClientThatHangsUpMidExportStopsItAndTheRecordSaysSo() async throws {
        let merchant = try await TestMerchant.make()
        let disclosure = String(repeating: "Every month we debit your card. ", count: 2000)
        try await merchant.test { client in
            for index in 0..<400 {
                let created = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout],
                    json: ConsentBody.valid(reference: "big-\(index)").setting("evidence.disclosureText", .string(disclosure)))
                try #require(created.status == .created)
            }
        }
        let app = Application(router: buildRouter(merchant.dependencies))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let key = merchant.keys[.auditor] ?? ""
            let connection = try RawHTTPConnection(port: port)
            connection.send(
                "GET /v1/exports/consents?from=2026-11-21&to=2026-11-21 HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer \(key)\r\n\r\n")
            let read = connection.receive(atLeast: 100_000)
            connection.shutDown()
            #expect(read >= 100_000, "the export had begun")
            var types: [String] = []
            // Waits for the record, not for a time: on a busy CI machine the hang-up has taken over 10 s to reach
            // the producer.
            let deadline = ContinuousClock.now + .seconds(90)
            while types.count < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                let page = try await client.execute(
                    uri: "/v1/merchant-events", method: .get, headers: [.authorization: "Bearer \(key)"]
                ) { try JSONValue.parse(Array(buffer: $0.body)) }
                types = page["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
                if types.count == 2 {
                    let ended = page["events"]?.arrayValue?.last
                    let rows = Int(ended?["data"]?["rows"]?.numberText ?? "") ?? -1
                    #expect((0..<400).contains(rows), "only what was written before the hang-up: \(rows)")
                }
            }
            #expect(types == ["export.started", "export.failed"])
        }
        // The connection the export held is back in the pool: the next export runs to its end.
        try await merchant.test { client in
            let again = try await client.call(
                .get, "/v1/exports/consents?from=2026-11-21&to=2026-11-21&format=ndjson", key: merchant.keys[.auditor])
            #expect(again.status == .ok)
            #expect(again.bytes.filter { $0 == UInt8(ascii: "\n") }.count == 400)
        }
    }

    @Test func aProducerAheadOfItsConsumerWaitsAndStopsWhenTheConsumerGoes() async throws {
        let handoff = ChunkHandoff(capacity: 2, stallTimeout: .seconds(60))
        let sent = Mutex(0)
        let stopped = Mutex(false)
        let producer = Thread {
            do {
                for _ in 0..<10 {
                    try handoff.send(.init(bytes: ByteBuffer(bytes: [1]), recordsThrough: 1))
                    sent.withLock { $0 += 1 }
                }
            } catch {
                stopped.withLock { $0 = true }
            }
            handoff.finish()
        }
        /// Waits for a state that holds until the test moves on; the limit only guards against a hang.
        func until(_ condition: () -> Bool) async throws {
            for _ in 0..<6000 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
            try #require(condition())
        }
        producer.start()
        // Two sent and the producer inside its third send: with no chunk taken, it can go no further.
        try await until { sent.withLock { $0 } == 2 && handoff.isProducerSending }
        #expect(sent.withLock { $0 } == 2, "two chunks ahead, then it waits")
        var iterator = handoff.chunks.makeAsyncIterator()
        let first = await iterator.next()
        handoff.consumed(try #require(first))
        try await until { sent.withLock { $0 } >= 3 && handoff.isProducerSending }
        #expect(sent.withLock { $0 } == 3, "one taken, one more made")
        handoff.stop()
        try await until { stopped.withLock { $0 } }
        #expect(sent.withLock { $0 } == 3, "the waiting send threw once the consumer stopped")
    }

    @Test func aProducerWhoseConsumerTakesNothingForTheStallTimeoutStops() throws {
        let handoff = ChunkHandoff(capacity: 1, stallTimeout: .milliseconds(50))
        try handoff.send(.init(bytes: ByteBuffer(bytes: [1]), recordsThrough: 1))
        #expect(throws: ChunkHandoff.ClientStalled.self) {
            try handoff.send(.init(bytes: ByteBuffer(bytes: [2]), recordsThrough: 2))
        }
        #expect(throws: ChunkHandoff.Stopped.self, "and so does every later send") {
            try handoff.send(.init(bytes: ByteBuffer(bytes: [3]), recordsThrough: 3))
        }
        #expect(handoff.taken == (rows: 0, bytes: 0))
    }
}
