import ConsentRules
import Foundation
import HummingbirdTesting
import Testing

@testable import ConsentService

@Suite struct AuthorizationTests {
    @Test func missingMalformedOrUnknownKeysAre401() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let bodies: [String?] = [nil, "csk_unknown", ""]
            for key in bodies {
                let response = try await client.call(.post, "/v1/consents", key: key, json: ConsentBody.valid())
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "unauthorized")
            }
            let basic = try await client.call(
                .get, "/v1/consents/\(UUID())", key: nil, headers: [.authorization: "Basic dXNlcjpwYXNz"])
            #expect(basic.status == .unauthorized)
        }
        try await merchant.expectNothingStored()
    }

    @Test func aRevokedKeyIs401() async throws {
        let merchant = try await TestMerchant.make()
        let created = try await MerchantStore.createKey(
            merchantId: merchant.id, role: .checkout, label: "soon revoked", pool: merchant.shared.pool)
        try await merchant.test { client in
            let before = try await client.call(.get, "/v1/consents/\(UUID())", key: created.key)
            #expect(before.status == .notFound)
            try await MerchantStore.revokeKey(merchantId: merchant.id, keyId: created.id, pool: merchant.shared.pool)
            let after = try await client.call(.post, "/v1/consents", key: created.key, json: ConsentBody.valid())
            #expect(after.status == .unauthorized)
        }
        try await merchant.expectNothingStored()
    }

    @Test func anAuditorCannotPostAndABillingKeyCannotCapture() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            for role in [Role.auditor, .billing] {
                let response = try await client.call(.post, "/v1/consents", key: merchant.keys[role], json: ConsentBody.valid())
                #expect(response.status == .forbidden, "\(role)")
                #expect(response.errorCode == "forbidden")
            }
            let admin = try await client.call(.post, "/v1/consents", key: merchant.keys[.admin], json: ConsentBody.valid())
            #expect(admin.status == .created)
        }
        #expect(try await merchant.rowCounts()["consents"] == 1)
    }

    @Test func anAuditorCannotActivate() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let created = try await client.call(
                .post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid(recurrenceId: nil))
            let id = try #require(try created.json["id"]?.stringValue)
            let response = try await client.call(
                .post, "/v1/consents/\(id)/activate", key: merchant.keys[.auditor],
                json: .object(["recurrenceId": .string("r")]))
            #expect(response.status == .forbidden)
        }
    }

    @Test func anotherMerchantsConsentIs404NotForbidden() async throws {
        let owner = try await TestMerchant.make()
        let other = try await TestMerchant.make()
        let body = ConsentBody.valid(reference: "shared-ref")
        try await owner.test { client in
            let created = try await client.call(.post, "/v1/consents", key: owner.keys[.checkout], json: body)
            let id = try #require(try created.json["id"]?.stringValue)
            let recurrenceId = try #require(body["recurrenceId"]?.stringValue)
            for role in Role.allCases {
                let byId = try await client.call(.get, "/v1/consents/\(id)", key: other.keys[role])
                #expect(byId.status == .notFound, "\(role)")
                #expect(byId.errorCode == "not_found")
            }
            let byReference = try await client.call(
                .get, "/v1/consents?merchantReference=shared-ref", key: other.keys[.checkout])
            #expect(byReference.status == .notFound)
            let byRecurrence = try await client.call(.get, "/v1/recurrences/\(recurrenceId)", key: other.keys[.billing])
            #expect(byRecurrence.status == .notFound)
            let activate = try await client.call(
                .post, "/v1/consents/\(id)/activate", key: other.keys[.billing],
                json: .object(["recurrenceId": .string(recurrenceId)]))
            #expect(activate.status == .notFound)
        }
    }

    @Test func anUnknownOrMalformedIdIs404AfterAuthentication() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let unknown = try await client.call(.get, "/v1/consents/\(UUID())", key: merchant.keys[.auditor])
            #expect(unknown.status == .notFound)
            let malformed = try await client.call(.get, "/v1/consents/not-a-uuid", key: merchant.keys[.auditor])
            #expect(malformed.status == .notFound)
            let unauthenticated = try await client.call(.get, "/v1/consents/not-a-uuid", key: nil)
            #expect(unauthenticated.status == .unauthorized)
            let noRoute = try await client.call(.get, "/v1/nothing-here", key: merchant.keys[.admin])
            #expect(noRoute.status == .notFound)
            #expect(noRoute.errorCode == "not_found")
        }
    }
}
