import ConsentRules
import Foundation
import HummingbirdTesting
import Notifier
import Testing

@testable import ConsentService

/// `POST`/`GET /v1/webhook-endpoints`, `DELETE /v1/webhook-endpoints/{id}` and the deliveries listing's
/// parameters, through the router against the real database.
@Suite struct WebhookEndpointTests {
    static func register(
        _ client: any TestClientProtocol, _ merchant: TestMerchant, _ body: JSONValue, role: Role = .admin
    ) async throws -> APIResponse {
        try await client.call(.post, "/v1/webhook-endpoints", key: merchant.keys[role], json: body)
    }

    @Test func anEndpointIsRegisteredWithItsSecretShownOnceAndCanBeDisabled() async throws {
        let merchant = try await TestMerchant.make()
        let other = try await TestMerchant.make()
        try await merchant.test { client in
            let created = try await Self.register(
                client, merchant,
                ["url": "https://1.1.1.1/consent-hooks", "events": ["consent.cancelled", "notice.failed", "consent.cancelled"]])
            #expect(created.status == .created)
            let json = try created.json
            let secret = try #require(json["secret"]?.stringValue)
            #expect(secret.hasPrefix("whsec_"))
            #expect(Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
            #expect(json["events"] == ["consent.cancelled", "notice.failed"], "repeats dropped, order kept")
            #expect(json["status"] == "enabled")
            #expect(json["createdAt"] == .string(merchant.clock.now.rfc3339))
            let id = try #require(json["id"]?.stringValue)

            let listed = try await client.call(.get, "/v1/webhook-endpoints", key: merchant.keys[.admin])
            #expect(listed.status == .ok)
            let endpoints = try #require(try listed.json["endpoints"]?.arrayValue)
            #expect(endpoints.count == 1)
            #expect(endpoints.first?["id"] == .string(id))
            #expect(endpoints.first?["secret"] == nil, "the secret is shown once only")
            #expect(!String(decoding: listed.bytes, as: UTF8.self).contains(String(secret.dropFirst(6))))

            let otherList = try await client.call(.get, "/v1/webhook-endpoints", key: other.keys[.admin])
            #expect(try otherList.json["endpoints"] == [])
            let foreign = try await client.call(.delete, "/v1/webhook-endpoints/\(id)", key: other.keys[.admin])
            #expect(foreign.status == .notFound)
            #expect(foreign.errorCode == "not_found")
            let malformed = try await client.call(.delete, "/v1/webhook-endpoints/not-an-id", key: merchant.keys[.admin])
            #expect(malformed.status == .notFound)

            merchant.clock.advance(seconds: 60)
            let disabledAt = merchant.clock.now
            let disabled = try await client.call(.delete, "/v1/webhook-endpoints/\(id)", key: merchant.keys[.admin])
            #expect(disabled.status == .ok)
            #expect(try disabled.json["status"] == "disabled")
            #expect(try disabled.json["disabledReason"] == "disabled by the merchant")
            merchant.clock.advance(seconds: 60)
            let again = try await client.call(.delete, "/v1/webhook-endpoints/\(id)", key: merchant.keys[.admin])
            #expect(try again.json["disabledAt"] == .string(disabledAt.rfc3339), "disabling again changes nothing")
        }
    }

    static let badBodies: [(JSONValue, [String])] = [
        (["url": "ftp://1.1.1.1/hooks", "events": ["consent.cancelled"]], ["url"]),
        (["url": "https://user:password@1.1.1.1/hooks", "events": ["consent.cancelled"]], ["url"]),
        (["url": "https://1.1.1.1/hooks#part", "events": ["consent.cancelled"]], ["url"]),
        (["url": "https://1.1.1.1/a hook", "events": ["consent.cancelled"]], ["url"]),
        (["url": .string("https://1.1.1.1/" + String(repeating: "a", count: 2000)), "events": ["consent.cancelled"]], ["url"]),
        (["url": "http://10.0.0.5/hooks", "events": ["consent.cancelled"]], ["url"]),
        (["url": "http://127.0.0.1:8080/hooks", "events": ["consent.cancelled"]], ["url"]),
        (["url": "http://[::1]:8080/hooks", "events": ["consent.cancelled"]], ["url"]),
        (["url": "http://169.254.169.254/latest/meta-data", "events": ["consent.cancelled"]], ["url"]),
        (["url": "http://localhost/hooks", "events": ["consent.cancelled"]], ["url"]),
        (["url": "https://1.1.1.1:99999/hooks", "events": ["consent.cancelled"]], ["url"]),
        (["url": "https://1.1.1.1:0/hooks", "events": ["consent.cancelled"]], ["url"]),
        (["url": "https://1.1.1.1/hooks", "events": ["consent.renamed"]], ["events[0]"]),
        (["url": "https://1.1.1.1/hooks", "events": []], ["events"]),
        (["url": "https://1.1.1.1/hooks", "events": "consent.cancelled"], ["events"]),
        (["url": 42, "events": [7]], ["url", "events[0]"]),
        ([:], ["url", "events"]),
        (["url": "https://1.1.1.1/hooks", "events": ["consent.cancelled"], "secret": "whsec_bWluZQ=="], ["secret"]),
    ]

    @Test(arguments: badBodies)
    func aBadEndpointIsRefusedWithEveryProblemAndNothingIsStored(body: JSONValue, fields: [String]) async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let response = try await Self.register(client, merchant, body)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "validation_failed")
            #expect(response.errorFields == fields)
        }
        try await merchant.expectNothingStored()
    }

    @Test func privateDestinationsAreAcceptedOnlyWhenTheOperatorAllowsThem() async throws {
        let merchant = try await TestMerchant.make().allowingPrivateWebhooks()
        try await merchant.test { client in
            for url in ["http://127.0.0.1:8080/hooks", "http://10.0.0.5/hooks", "http://localhost:9/hooks"] {
                let response = try await Self.register(client, merchant, ["url": .string(url), "events": ["consent.cancelled"]])
                #expect(response.status == .created, "\(url)")
            }
        }
    }

    @Test func onlyAdminKeysManageWebhooks() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            for role in [Role.checkout, .billing, .auditor] {
                let key = merchant.keys[role]
                let register = try await Self.register(
                    client, merchant, ["url": "https://1.1.1.1/hooks", "events": ["consent.cancelled"]], role: role)
                #expect(register.status == .forbidden)
                #expect(try await client.call(.get, "/v1/webhook-endpoints", key: key).status == .forbidden)
                let disable = try await client.call(.delete, "/v1/webhook-endpoints/\(UUID())", key: key)
                #expect(disable.status == .forbidden)
                let deliveries = try await client.call(.get, "/v1/webhook-deliveries?status=failed", key: key)
                #expect(deliveries.status == .forbidden)
            }
            let anonymous = try await client.call(.get, "/v1/webhook-deliveries", key: nil)
            #expect(anonymous.status == .unauthorized)
        }
        try await merchant.expectNothingStored()
    }

    @Test func endpointsAreLimitedPerMerchant() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            for number in 0..<WebhookEndpointStore.maxEnabledEndpoints {
                let response = try await Self.register(
                    client, merchant, ["url": .string("https://1.1.1.1/hooks/\(number)"), "events": ["consent.cancelled"]])
                #expect(response.status == .created)
            }
            let refused = try await Self.register(
                client, merchant, ["url": "https://1.1.1.1/hooks/more", "events": ["consent.cancelled"]])
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "too_many_endpoints")
        }
    }

    @Test func theDeliveriesListingRefusesBadParametersAllAtOnce() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let response = try await client.call(
                .get, "/v1/webhook-deliveries?status=lost&limit=0&after=yesterday", key: merchant.keys[.admin])
            #expect(response.status == .unprocessableContent)
            #expect(response.errorFields == ["status", "limit", "after"])
            let empty = try await client.call(.get, "/v1/webhook-deliveries?status=failed", key: merchant.keys[.admin])
            #expect(empty.status == .ok)
            #expect(try empty.json["deliveries"] == [])
            #expect(try empty.json["nextAfter"] == nil)
        }
    }

    /// The trigger that queues deliveries lists the event types in SQL; it must name exactly the service's.
    @Test func theDeliveryTriggerNamesExactlyTheSubscribableEvents() async throws {
        let shared = try await TestEnvironment.shared.value
        let definition = try await shared.pool.withConnection { connection in
            try connection.query(
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'consent_event_webhooks'", []
            )[0].decode(String.self, 0)
        }
        let quoted = definition.split(separator: "'").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(Set(quoted) == Set(WebhookEventType.allCases.map(\.rawValue)))
        #expect(quoted.count == WebhookEventType.allCases.count)
    }
}
