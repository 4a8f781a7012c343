import ConsentRules
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import ConsentService

/// `GET /v1/consents` without `merchantReference`: the merchant's consents oldest first, page by page, and each
/// filter, against the real database.
@Suite struct ConsentListTests {
    static func list(_ client: any TestClientProtocol, _ merchant: TestMerchant, _ query: String) async throws
        -> APIResponse
    {
        try await client.call(.get, "/v1/consents?\(query)", key: merchant.keys[.auditor], contentType: nil)
    }

    static func ids(_ response: APIResponse) throws -> [String] {
        guard case .array(let consents)? = try response.json["consents"] else { return [] }
        return consents.compactMap { $0["id"]?.stringValue }
    }

    @Test func pagesFollowOneAnotherOldestFirstAndEachFilterFindsItsOwn() async throws {
        let merchant = try await TestMerchant.make()
        let other = try await TestMerchant.make()
        try await merchant.test { client in
            var created: [String] = []
            for index in 0..<7 {
                // A minute apart, so that creation order is id order.
                merchant.clock.advance(seconds: 60)
                let body = ConsentBody.valid(reference: "list-\(index)")
                    .setting("card.expiryYear", index < 2 ? 2026 : 2029)
                created.append(try await ValidityTests.capture(merchant, body, client: client))
            }
            _ = try await ConfirmationDeliveryTests.capture(other, ConsentBody.valid())
            merchant.clock.advance(seconds: 60)
            let pending = try await ValidityTests.capture(merchant, ConsentBody.valid(recurrenceId: nil), client: client)
            let cancelled = try await client.call(
                .post, "/v1/consents/\(created[3])/cancel", key: merchant.keys[.billing],
                json: ["requestedBy": "consumer"])
            #expect(cancelled.status == .ok)

            // Three pages of three, then nothing more: every consent once, in creation order.
            var seen: [String] = []
            var after: String?
            for page in 0..<3 {
                let response = try await Self.list(client, merchant, "limit=3" + (after.map { "&after=\($0)" } ?? ""))
                #expect(response.status == .ok)
                seen += try Self.ids(response)
                after = try response.json["nextAfter"]?.stringValue
                #expect((after == nil) == (page == 2), "page \(page)")
            }
            #expect(seen == created + [pending])

            #expect(try Self.ids(await Self.list(client, merchant, "status=cancelled")) == [created[3]])
            #expect(try Self.ids(await Self.list(client, merchant, "status=pending")) == [pending])
            #expect(try Self.ids(await Self.list(client, merchant, "status=active")).count == 6)
            #expect(try Self.ids(await Self.list(client, merchant, "cardExpiringBefore=2027-01-01")) == Array(created[0..<2]))
            #expect(try Self.ids(await Self.list(client, merchant, "cardExpiringBefore=2026-12-31")) == [])
            #expect(try Self.ids(await Self.list(client, merchant, "createdFrom=2026-11-21&createdTo=2026-11-21")).count == 8)
            #expect(try Self.ids(await Self.list(client, merchant, "createdFrom=2026-11-22")) == [])
            #expect(try Self.ids(await Self.list(client, merchant, "confirmation=overdue")) == [])

            // The pending one, an hour past its window, reads as expired.
            merchant.clock.advance(seconds: 25 * 3600)
            #expect(try Self.ids(await Self.list(client, merchant, "status=expired")) == [pending])
            #expect(try Self.ids(await Self.list(client, merchant, "status=pending")) == [])
            #expect(try Self.ids(await Self.list(client, merchant, "createdFrom=2026-11-22")) == [])
        }
    }

    @Test func badParametersAreNamedAtOnce() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let response = try await Self.list(
                client, merchant,
                "status=gone&limit=1001&after=x&createdFrom=2026-13-01&confirmation=late&cardExpiringBefore=soon&colour=red")
            #expect(response.status == .unprocessableContent)
            #expect(Set(response.errorFields) == [
                "status", "limit", "after", "createdFrom", "confirmation", "cardExpiringBefore", "colour",
            ])
            let reversed = try await Self.list(client, merchant, "createdFrom=2026-11-22&createdTo=2026-11-21")
            #expect(reversed.errorFields == ["createdTo"])
            let none = try await client.call(.get, "/v1/consents", key: nil, contentType: nil)
            #expect(none.status == .unauthorized)
        }
    }

    /// Every listing is served by an index that leads with the merchant, never by reading the whole table.
    @Test(arguments: [
        "", "status=active", "status=expired", "confirmation=overdue", "cardExpiringBefore=2027-01-01",
        "createdFrom=2026-11-21&createdTo=2026-11-22",
    ])
    func eachFilterIsServedByAnIndexLeadingWithTheMerchant(query: String) async throws {
        let shared = try await TestEnvironment.shared.value
        let parameters = query.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
        let page = ConsentListing.page(
            try ConsentListQuery.parse(parameters), merchantId: "m-plan", now: TestMerchant.start,
            timeZone: TimeZone(identifier: "Europe/Vilnius")!)
        let plan = try await shared.pool.withConnection { connection in
            try connection.execute("SET enable_seqscan = off")
            defer { _ = try? connection.execute("RESET enable_seqscan") }
            return try connection.query("EXPLAIN (COSTS OFF) " + page.statement.sql, page.binds)
                .map { try $0.decode(String.self, 0) }.joined(separator: "\n")
        }
        #expect(!plan.contains("Seq Scan on consents"), "plan:\n\(plan)")
        #expect(plan.contains("Index"), "plan:\n\(plan)")
    }
}
