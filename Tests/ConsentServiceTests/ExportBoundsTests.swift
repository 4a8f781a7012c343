import ConsentRules
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ConsentService

/// Exports are bounded: two at a time per merchant and a quarter of the pool (at least two) per instance, and an
/// export whose client stops reading is ended after the idle timeout, so stalled downloads can never take the
/// connections everyone else needs.
@Suite struct ExportBoundsTests {
    static let path = "/v1/exports/consents?from=2026-11-21&to=2026-11-21"

    /// An export whose client reads its first bytes and then nothing more.
    static func stalledExport(port: Int, key: String) throws -> RawHTTPConnection {
        let connection = try RawHTTPConnection(port: port, receiveBuffer: 16 * 1024)
        connection.send("GET \(path) HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(key)\r\n\r\n")
        #expect(connection.receive(atLeast: 20_000) >= 20_000, "the export had begun")
        return connection
    }

    static func eventTypes(_ client: any TestClientProtocol, key: String?) async throws -> [String] {
        let page = try await client.call(.get, "/v1/merchant-events", key: key, contentType: nil)
        return try page.json["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
    }

    @Test func stalledExportsAreBoundedAndEndedWhileOtherMerchantsAreServed() async throws {
        try await LiveService.with(idleTimeout: .seconds(3), poolSize: 4) { merchant, client, port in
            // Enough for an export to fill every buffer between the database and a client that stops reading.
            let disclosure = String(repeating: "Every month we debit your card. ", count: 2000)
            for index in 0..<200 {
                let created = try await client.call(
                    .post, "/v1/consents", key: merchant.keys[.checkout],
                    json: ConsentBody.valid(reference: "big-\(index)").setting("evidence.disclosureText", .string(disclosure)))
                try #require(created.status == .created)
            }
            let other = try await TestMerchant.make(in: merchant.shared)
            let otherConsent = try await ValidityTests.capture(other, ConsentBody.valid(), client: client)
            let auditor = try #require(merchant.keys[.auditor])

            let first = try Self.stalledExport(port: port, key: auditor)
            let second = try Self.stalledExport(port: port, key: auditor)
            defer {
                first.shutDown()
                second.shutDown()
            }

            let third = try await client.call(.get, Self.path, key: auditor, contentType: nil)
            #expect(third.status == .tooManyRequests)
            #expect(third.errorCode == "too_many_exports")
            #expect(third.headers[.retryAfter] == "30")
            // The instance's share (a quarter of 4, at least 2) is taken too.
            let otherExport = try await client.call(.get, Self.path, key: other.keys[.auditor], contentType: nil)
            #expect(otherExport.status == .tooManyRequests)

            let started = ContinuousClock.now
            let read = try await client.call(.get, "/v1/consents/\(otherConsent)", key: other.keys[.auditor], contentType: nil)
            #expect(read.status == .ok)
            #expect(ContinuousClock.now - started < .seconds(1), "two connections of four are still free")

            // Ended after 3 s without a chunk taken, and recorded: waits for the record, not for a time.
            var types: [String] = []
            let deadline = ContinuousClock.now + .seconds(90)
            while types.filter({ $0 == "export.failed" }).count < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                types = try await Self.eventTypes(client, key: auditor)
            }
            let events = try await client.call(.get, "/v1/merchant-events", key: auditor, contentType: nil)
            #expect(
                types.sorted() == ["export.failed", "export.failed", "export.started", "export.started"],
                "\(String(decoding: events.bytes, as: UTF8.self))")

            // Their slots are free again.
            let after = try await client.call(
                .get, Self.path + "&format=ndjson", key: other.keys[.auditor], contentType: nil)
            #expect(after.status == .ok)
            #expect(after.bytes.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        }
    }

    @Test func limitsAreAQuarterOfThePoolButAtLeastOneMerchantsTwo() {
        typealias Limits = ExportSlots.Limits
        #expect(Limits.forPool(size: 1) == Limits(perMerchant: 2, overall: 1))
        #expect(Limits.forPool(size: 2) == Limits(perMerchant: 2, overall: 1))
        #expect(Limits.forPool(size: 4) == Limits(perMerchant: 2, overall: 2))
        #expect(Limits.forPool(size: 16) == Limits(perMerchant: 2, overall: 4))
        #expect(Limits.forPool(size: 100) == Limits(perMerchant: 2, overall: 25))

        var counts = ExportSlots.Counts()
        let limits = Limits(perMerchant: 2, overall: 3)
        let taken = ["a", "a", "a", "b", "c"].map { counts.take($0, within: limits) }
        #expect(taken == [true, true, false, true, false], "a merchant's third, then the instance's fourth, refused")
        counts.give("a")
        let afterOneEnded = counts.take("c", within: limits)
        #expect(afterOneEnded)
        #expect(counts.total == 3)
    }

    @Test func aDroppedReservationGivesItsSlotBack() {
        let slots = ExportSlots(limits: .init(perMerchant: 1, overall: 1))
        var held = slots.reserve(merchantId: "a")
        #expect(held != nil)
        #expect(slots.reserve(merchantId: "a") == nil)
        held = nil
        #expect(slots.reserve(merchantId: "a") != nil)
    }
}
