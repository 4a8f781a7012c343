import ConsentRules
import Foundation
import HummingbirdTesting
import Testing

@testable import ConsentService

/// Makes the state a route's normal request needs, through the API itself (as the merchant's own systems would).
enum RouteFixtures {
    static func make(_ setup: RouteSetup, for merchant: TestMerchant, client: any TestClientProtocol) async throws
        -> RouteTarget
    {
        var target = RouteTarget()
        switch setup {
        case .nothing:
            return target
        case .webhookEndpoint:
            let created = try await client.call(
                .post, "/v1/webhook-endpoints", key: merchant.keys[.admin],
                json: .object(["url": "http://127.0.0.1:9/hooks", "events": .array(["consent.cancelled"])]))
            try #require(created.status == .created, "webhook endpoint: \(created.status)")
            target.endpointId = try #require(try created.json["id"]?.stringValue)
            return target
        case .pendingConsent, .activeConsent, .heldConsent, .cancelLink, .amendedConsent, .paidConsent:
            break
        }
        let active = setup != .pendingConsent
        let body = ConsentBody.valid(
            reference: target.merchantReference, recurrenceId: active ? target.recurrenceId : nil)
        let created = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: body)
        try #require(created.status == .created, "consent: \(created.status)")
        target.consentId = try #require(try created.json["id"]?.stringValue)
        if setup == .heldConsent {
            let held = try await client.call(
                .post, "/v1/consents/\(target.consentId)/legal-hold", key: merchant.keys[.admin],
                json: .object(["reason": "litigation"]))
            try #require(held.status == .ok, "legal hold: \(held.status)")
        }
        if setup == .amendedConsent {
            let amended = try await client.call(
                .post, "/v1/consents/\(target.consentId)/amendments", key: merchant.keys[.billing],
                json: ["terms": ["amount": "9.99"], "effectiveFrom": "2027-01-14", "reason": "loyalty discount"])
            try #require(amended.status == .created, "amendment: \(amended.status)")
            target.amendmentId = try #require(try amended.json["id"]?.stringValue)
        }
        if setup == .paidConsent {
            let paid = try await client.call(
                .post, "/v1/consents/\(target.consentId)/payments", key: merchant.keys[.billing],
                json: [
                    "paymentId": .string(target.paymentId), "amount": "10.23", "currency": "EUR",
                    "executedAt": "2026-11-21T11:00:00Z", "status": "approved", "final": .bool(false),
                ])
            try #require(paid.status == .created, "payment: \(paid.status)")
        }
        if setup == .cancelLink {
            target.token = try await CancelPageTests.token(merchant, consentId: target.consentId)
            let page = try await client.call(.get, "/cancel/\(target.token)", key: nil)
            let html = String(decoding: page.bytes, as: UTF8.self)
            target.csrf = String(try #require(html.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1))
        }
        return target
    }
}

/// Who sends a request: a key of each role of the merchant, no key, or a key no merchant has.
enum Caller: Hashable, Sendable, CustomStringConvertible {
    case key(Role)
    case none
    case unknown

    static let all: [Caller] = Role.allCases.map(Caller.key) + [.none, .unknown]

    /// Well formed (as `keys create` prints them), but never issued.
    static let unknownKey = APIKey.generate()

    func key(of merchant: TestMerchant) -> String? {
        switch self {
        case .key(let role): merchant.keys[role]
        case .none: nil
        case .unknown: Self.unknownKey
        }
    }

    var description: String {
        switch self {
        case .key(let role): role.rawValue
        case .none: "no key"
        case .unknown: "unknown key"
        }
    }
}

extension TestClientProtocol {
    func send(_ route: RouteSpec, _ request: RouteRequest, key: String?) async throws -> APIResponse {
        try await call(
            route.method, request.uri, key: key, rawBody: request.body, contentType: request.contentType,
            headers: request.headers)
    }
}
