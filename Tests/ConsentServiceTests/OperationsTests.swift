import ConsentRules
import Foundation
import HummingbirdTesting
import Testing

@testable import ConsentService

@Suite struct OperationsTests {
    @Test func healthReadinessAndMetricsAnswer() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let health = try await client.call(.get, "/healthz", key: nil)
            #expect(health.status == .ok)
            let ready = try await client.call(.get, "/readyz", key: nil)
            #expect(ready.status == .ok)
            #expect(try ready.json["status"]?.stringValue == "ready")
            _ = try await client.call(.post, "/v1/consents", key: merchant.keys[.checkout], json: ConsentBody.valid())
            let metrics = try await client.call(.get, "/metrics", key: nil)
            #expect(metrics.status == .ok)
            #expect(String(decoding: metrics.bytes, as: UTF8.self).contains("consents_captured_total 1"))
        }
    }
}
