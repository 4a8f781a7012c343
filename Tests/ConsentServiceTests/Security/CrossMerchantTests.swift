import ConsentRules
import Foundation
import HummingbirdTesting
import Testing

@testable import ConsentService

/// Another merchant's keys against a merchant's resources: the answer is exactly the one an unknown resource
/// gets (404 for a role that may use the route, never 403), it carries none of the owner's data, and the
/// owner's rows are untouched. Listings never show another merchant's rows.
@Suite struct CrossMerchantTests {
    static let resourceRoutes = RouteTable.routes.indices.filter { RouteTable.routes[$0].scope == .resource }

    @Test(arguments: resourceRoutes)
    func anotherMerchantsResourceIsAnsweredAsAnUnknownOne(routeIndex: Int) async throws {
        let route = RouteTable.routes[routeIndex]
        let owner = try await TestMerchant.make().allowingPrivateWebhooks()
        let other = try await TestMerchant.make()
        try await owner.test { client in
            for role in Role.allCases {
                let cell = "\(route) with another merchant's \(role) key"
                let target = try await RouteFixtures.make(route.setup, for: owner, client: client)
                let before = try await owner.fingerprint()
                let foreign = try await client.send(route, route.request(target), key: other.keys[role])
                let unknown = try await client.send(route, route.request(.unknown()), key: other.keys[role])
                #expect(foreign.status == unknown.status, "\(cell)")
                #expect(foreign.errorCode == unknown.errorCode, "\(cell)")
                if case .roles(let roles) = route.access, roles.contains(role) {
                    #expect(foreign.status == .notFound, "\(cell)")
                    #expect(foreign.errorCode == "not_found", "\(cell)")
                } else {
                    #expect(foreign.status == .forbidden, "\(cell)")
                }
                let text = String(decoding: foreign.bytes, as: UTF8.self)
                for secret in [target.consentId, target.merchantReference, target.recurrenceId, target.endpointId, owner.id] {
                    #expect(!text.contains(secret), "\(cell) disclosed \(secret)")
                }
                #expect(try await owner.fingerprint() == before, "\(cell) changed the owner's rows")
            }
        }
    }

    @Test func listingsShowOnlyTheCallersOwnRows() async throws {
        let owner = try await TestMerchant.make().allowingPrivateWebhooks()
        let other = try await TestMerchant.make().allowingPrivateWebhooks()
        try await owner.test { client in
            // The owner has an endpoint, a consent created today (its confirmation in the report), a queued delivery
            // and an export in its history; the other merchant has rows of each kind too, so its listings are not
            // empty by chance.
            var markers: [String: String] = [:]
            for merchant in [owner, other] {
                let endpoint = try await RouteFixtures.make(.webhookEndpoint, for: merchant, client: client)
                let consent = try await RouteFixtures.make(.activeConsent, for: merchant, client: client)
                let cancelled = try await client.call(
                    .post, "/v1/consents/\(consent.consentId)/cancel", key: merchant.keys[.billing],
                    json: .object(["requestedBy": "merchant"]))
                try #require(cancelled.status == .ok)
                let export = try await client.call(
                    .get, "/v1/exports/consents?from=2026-11-21&to=2026-11-21", key: merchant.keys[.auditor])
                try #require(export.status == .ok)
                if merchant.id == owner.id {
                    markers = [
                        "/v1/webhook-endpoints": endpoint.endpointId, "/v1/webhook-deliveries": consent.consentId,
                        "/v1/exports/consents": consent.consentId, "/v1/compliance/report": consent.consentId,
                    ]
                }
            }
            let ownEvents = try await client.call(.get, "/v1/merchant-events", key: owner.keys[.auditor])
            let exportId = try #require(try ownEvents.json["events"]?.arrayValue?.first?["data"]?["exportId"]?.stringValue)
            markers["/v1/merchant-events"] = exportId

            let listings = RouteTable.routes.filter { $0.scope == .listing }
            #expect(Set(listings.map(\.path)) == Set(markers.keys), "every listing has a marker")
            for route in listings {
                guard case .roles(let roles) = route.access, let role = roles.sorted(by: { $0.rawValue < $1.rawValue }).first,
                    let marker = markers[route.path]
                else { continue }
                let request = route.request(RouteTarget())
                let own = try await client.send(route, request, key: owner.keys[role])
                #expect(String(decoding: own.bytes, as: UTF8.self).contains(marker), "\(route): the owner sees its row")
                let foreign = try await client.send(route, request, key: other.keys[role])
                #expect(foreign.status == .ok, "\(route)")
                #expect(!foreign.bytes.isEmpty, "\(route)")
                #expect(!String(decoding: foreign.bytes, as: UTF8.self).contains(marker), "\(route) shows the owner's row")
                #expect(!String(decoding: foreign.bytes, as: UTF8.self).contains(owner.id), "\(route) names the owner")
            }
        }
    }
}
