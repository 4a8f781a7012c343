import ConsentRules
import Foundation
import PGClient
import TestSupport
import Testing

@testable import ConsentService

/// Consumers' personal data at rest: sealed in every table that holds it, opened only by the service with the
/// configured keys, and re-sealed when keys rotate. Against a database of each test's own (pg_dump, the start-up
/// sealing and the re-seal act on every row).
@Suite struct PersonalDataTests {
    /// Values that occur nowhere else, so finding one in a dump can only mean it was stored in the clear.
    static let markers = [
        "Quillonia", "Zebrowskaite", "quillonia.zebrowskaite@example.org", "+37069912345", "198.51.100.77",
        "MarkerBrowser/9.1",
    ]

    static func markedBody(reference: String) -> JSONValue {
        ConsentBody.valid(reference: reference)
            .setting("consumer.firstName", .string(markers[0])).setting("consumer.lastName", .string(markers[1]))
            .setting("consumer.email", .string(markers[2])).setting("communication.address", .string(markers[2]))
            .setting("consumer.phone", .string(markers[3])).setting("evidence.ipAddress", .string(markers[4]))
            .setting("evidence.userAgent", .string(markers[5]))
    }

    static func dump(_ url: String) async throws -> String {
        let result = try await ExternalCommand.run("pg_dump", ["--data-only", "--dbname", url])
        try #require(result.status == 0, "pg_dump failed: \(result.output)")
        return result.output
    }

    @Test func aTableDumpHoldsNoConsumerDataInTheClearWhileTheAPIShowsIt() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            let body = Self.markedBody(reference: "order-pd")
            let id = try await merchant.test { client in
                let created = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: body,
                    headers: [IdempotencyTests.idempotencyKey: "pd-1"])
                #expect(created.status == .created)
                let replayed = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: body,
                    headers: [IdempotencyTests.idempotencyKey: "pd-1"])
                #expect(replayed.bytes == created.bytes, "the sealed stored response replays byte for byte")
                return try #require(try created.json["id"]?.stringValue)
            }
            try await SMTPTestServer.with { (server: SMTPTestServer) async throws in
                let notifier = try await ConfirmationDeliveryTests.notifier(
                    merchant, url: url, smtp: ConfirmationDeliveryTests.plaintext(server))
                #expect(try await notifier.worker.drainOneBatch() == 1)
                await ConfirmationDeliveryTests.stop(notifier)
                #expect(try server.storedMessages().count == 1)
            }

            let dump = try await Self.dump(url)
            #expect(dump.contains(id), "the dump has the consent")
            for marker in Self.markers {
                #expect(!dump.contains(marker), "\(marker) is stored in the clear")
            }

            try await merchant.test { client in
                let read = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.auditor])
                #expect(try read.json["consumer"]?["firstName"]?.stringValue == Self.markers[0])
                #expect(try read.json["consumer"]?["phone"]?.stringValue == Self.markers[3])
                #expect(try read.json["evidence"]?["userAgent"]?.stringValue == Self.markers[5])
                let evidence = try await client.call(.get, "/v1/consents/\(id)/evidence", key: merchant.keys[.auditor])
                #expect(try evidence.json["messages"]?.arrayValue?.first?["to"]?.stringValue == Self.markers[2])
                #expect(try evidence.json["consent"]?["evidence"]?["ipAddress"]?.stringValue == Self.markers[4])
            }
        }
    }

    @Test func sealedDataMovedToAnotherConsentDoesNotOpen() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, _ in
            let merchant = try await TestMerchant.make(in: database)
            let first = try await ConfirmationDeliveryTests.capture(merchant, Self.markedBody(reference: "order-a"))
            let second = try await ConfirmationDeliveryTests.capture(merchant, ConsentBody.valid(reference: "order-b"))
            try await database.pool.withConnection { connection in
                _ = try connection.query(
                    """
                    UPDATE consents SET personal_data = (SELECT personal_data FROM consents WHERE id = $2::uuid)
                    WHERE merchant_id = $1 AND id = $3::uuid
                    """, [merchant.id, first, second])
            }
            try await merchant.test { client in
                let read = try await client.call(.get, "/v1/consents/\(second)", key: merchant.keys[.auditor])
                #expect(read.status == .internalServerError)
                #expect(!String(decoding: read.bytes, as: UTF8.self).contains(Self.markers[0]))
                let untouched = try await client.call(.get, "/v1/consents/\(first)", key: merchant.keys[.auditor])
                #expect(try untouched.json["consumer"]?["lastName"]?.stringValue == Self.markers[1])
            }
        }
    }

    @Test func rowsStoredInTheClearBeforeSealingAreSealedByMigrate() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            let body = Self.markedBody(reference: "order-old")
            let id = try await merchant.test { client in
                let created = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: body,
                    headers: [IdempotencyTests.idempotencyKey: "old-1"])
                return try #require(try created.json["id"]?.stringValue)
            }
            // Put the consent and its stored response back the way a version without sealing wrote them.
            try await database.pool.withConnection { connection in
                let stored = try connection.query(
                    "SELECT response_body, response_key FROM idempotency_keys WHERE merchant_id = $1", [merchant.id])[0]
                let body = try TestEnvironment.keyring.open(
                    SealedValue(keyId: try stored.decode(String.self, 1), bytes: try stored.decode([UInt8].self, 0)),
                    context: .idempotentResponse(merchantId: merchant.id, key: "old-1"))
                _ = try connection.query(
                    "UPDATE idempotency_keys SET response_body = $2, response_key = NULL WHERE merchant_id = $1",
                    [merchant.id, body])
                _ = try connection.query(
                    """
                    UPDATE consents SET personal_data = NULL, personal_data_key = NULL, consumer_first_name = $2,
                        consumer_last_name = $3, consumer_email = $4, consumer_phone = $5, communication_address = $4,
                        ip_address = $6, user_agent = $7
                    WHERE merchant_id = $1
                    """, [merchant.id] + Self.markers.map { $0 as any PGBindable })
            }
            #expect(try await Self.dump(url).contains(Self.markers[2]), "the legacy row is in the clear")

            let migrate = try await ServiceProcess.run(["migrate"], environment: ["DATABASE_URL": url])
            #expect(migrate.status == 0, "\(migrate.output)")
            #expect(migrate.output.contains("sealed the personal data of 2 rows stored in the clear"), "\(migrate.output)")

            let dump = try await Self.dump(url)
            for marker in Self.markers { #expect(!dump.contains(marker), "\(marker) is still in the clear") }
            try await merchant.test { client in
                let read = try await client.call(.get, "/v1/consents/\(id)", key: merchant.keys[.auditor])
                #expect(try read.json["consumer"]?["email"]?.stringValue == Self.markers[2])
                #expect(try read.json["communication"]?["address"]?.stringValue == Self.markers[2])
                let replayed = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout], json: body,
                    headers: [IdempotencyTests.idempotencyKey: "old-1"])
                #expect(replayed.status == .created)
                #expect(try replayed.json["id"]?.stringValue == id)
            }
        }
    }

    @Test func rotatingKeysResealsEveryRowAndTheOldKeyCanThenGo() async throws {
        try await TestEnvironment.withIsolatedDatabase { database, url in
            let merchant = try await TestMerchant.make(in: database)
            let ids = [
                try await ConfirmationDeliveryTests.capture(merchant, Self.markedBody(reference: "order-r1")),
                try await ConfirmationDeliveryTests.capture(merchant, ConsentBody.valid(reference: "order-r2")),
            ]
            // An agreed change keeps its evidence sealed too.
            try await merchant.test { client in
                let amended = try await AmendmentTests.amend(
                    client, merchant, ids[0],
                    ["terms": ["amount": "12.99"], "effectiveFrom": "2027-01-14", "reason": "review",
                     "evidence": AmendmentTests.evidence])
                #expect(amended.status == .created)
            }
            let newEntry = try #require(
                try await ServiceProcess.run(["personal-data", "new-key", "test-3"], environment: [:]).output
                    .split(separator: "\n").first.map(String.init))
            #expect(newEntry.hasPrefix("test-3:"))
            let rotated = newEntry + "," + TestEnvironment.personalDataKeys
            let environment = ["DATABASE_URL": url, "PERSONAL_DATA_KEYS": rotated]

            let before = try await ServiceProcess.run(["personal-data", "status"], environment: environment)
            #expect(before.output.contains("current key: test-3"))
            #expect(before.output.contains("consents\ttest-2\t2"), "\(before.output)")
            #expect(before.output.contains("consent_amendments\ttest-2\t1"), "\(before.output)")
            let reseal = try await ServiceProcess.run(["personal-data", "reseal"], environment: environment)
            #expect(reseal.status == 0, "\(reseal.output)")
            #expect(reseal.output.contains("consents\t2 rows re-sealed"), "\(reseal.output)")
            #expect(reseal.output.contains("consent_amendments\t1 rows re-sealed"), "\(reseal.output)")
            let after = try await ServiceProcess.run(["personal-data", "status"], environment: environment)
            #expect(after.output.contains("consents\ttest-3\t2"), "\(after.output)")
            #expect(!after.output.contains("test-2"), "\(after.output)")

            // Only the new key is needed now; the old keys alone no longer open anything.
            var newOnly = merchant
            newOnly.keyring = try PersonalDataKeySource.inline(newEntry).keyring()
            try await newOnly.test { client in
                let read = try await client.call(.get, "/v1/consents/\(ids[0])", key: merchant.keys[.auditor])
                #expect(try read.json["consumer"]?["firstName"]?.stringValue == Self.markers[0])
                let versions = try await client.call(
                    .get, "/v1/consents/\(ids[0])/amendments", key: merchant.keys[.auditor]).json
                guard case .array(let list)? = versions["versions"], list.count == 2 else {
                    Issue.record("two versions expected: \(versions)")
                    return
                }
                #expect(list[1]["evidence"]?["ipAddress"] == "235.114.187.9")
            }
            try await merchant.test { client in
                let read = try await client.call(.get, "/v1/consents/\(ids[1])", key: merchant.keys[.auditor])
                #expect(read.status == .internalServerError)
            }
            let wrongKeys = try await ServiceProcess.run(["migrate"], environment: ["DATABASE_URL": url])
            #expect(wrongKeys.status != 0)
            #expect(wrongKeys.output.contains("cannot open the stored data"), "\(wrongKeys.output)")
        }
    }

    @Test func keySettingsAreCheckedAndTheEmbeddedKeyFileIsMadeOnceAndPrivate() throws {
        let good = "a:" + Data(repeating: 7, count: 32).base64EncodedString()
        #expect(throws: ConfigurationError.self) { try PersonalDataKeySource.inline("").keyring() }
        #expect(throws: ConfigurationError.self) { try PersonalDataKeySource.inline("bad id:AAAA").keyring() }
        #expect(throws: ConfigurationError.self) {
            try PersonalDataKeySource.inline("short:" + Data(repeating: 1, count: 16).base64EncodedString()).keyring()
        }
        #expect(throws: ConfigurationError.self) { try PersonalDataKeySource.inline(good + "," + good).keyring() }
        #expect(try PersonalDataKeySource.inline(good).keyring().currentKeyId == "a")
        #expect(throws: ConfigurationError.self) {
            try PersonalDataKeySource.read(
                EnvironmentReader(environment: [:]), databaseURL: "postgresql://db/x", dataDirectory: "data")
        }

        let folder = try TemporaryDirectory.make(prefix: "keys")
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try PersonalDataKeySource.read(
            EnvironmentReader(environment: [:]), databaseURL: nil, dataDirectory: folder.path)
        let first = try source.keyring()
        let path = folder.appendingPathComponent(PersonalDataKeySource.embeddedFileName).path
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let sealed = first.seal(Array("x".utf8), context: .consent(merchantId: "m", consentId: UUID()))
        #expect(sealed.keyId == "embedded-1")
        let second = try source.keyring()
        let context = SealingContext.consent(merchantId: "m", consentId: UUID())
        #expect(try second.open(first.seal(Array("y".utf8), context: context), context: context) == Array("y".utf8))
    }

    @Test func theSealedLayoutRoundTripsAndRefusesAnythingElse() {
        let data = ConsumerPersonalData(
            firstName: "Zoë", lastName: "", email: "z@example.com", phone: nil, communicationAddress: "z@example.com",
            ipAddress: "2001:db8::1", userAgent: "UA, with \"quotes\"")
        #expect(ConsumerPersonalData(decoding: data.encoded()) == data)
        #expect(ConsumerPersonalData(decoding: Array(data.encoded().dropLast())) == nil)
        #expect(ConsumerPersonalData(decoding: data.encoded() + [0]) == nil)
        #expect(ConsumerPersonalData(decoding: [2] + data.encoded().dropFirst()) == nil)
    }
}
