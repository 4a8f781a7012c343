import ConsentRules
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ConsentService

/// Every route × every caller (each role, no key, an unknown key): the route's normal answer, 403 or 401 with
/// the contract's error body, as `RouteTable` says the contract decides; a refused request changes nothing.
@Suite struct RoleMatrixTests {
    enum Expected: Equatable, CustomStringConvertible {
        case allowed(HTTPResponse.Status)
        case refused(HTTPResponse.Status, code: String)

        var description: String {
            switch self {
            case .allowed(let status): "allowed (\(status.code))"
            case .refused(let status, let code): "\(status.code) \(code)"
            }
        }
    }

    static func expected(_ route: RouteSpec, _ caller: Caller) -> Expected {
        switch (route.access, caller) {
        case (.open, _): .allowed(route.allowedStatus)
        case (.roles, .none), (.roles, .unknown): .refused(.unauthorized, code: "unauthorized")
        case (.roles(let roles), .key(let role)):
            roles.contains(role) ? .allowed(route.allowedStatus) : .refused(.forbidden, code: "forbidden")
        }
    }

    /// `{"error": {"code", "message"}}` and nothing else: no `fields` outside validation errors.
    static func expectContractError(
        _ response: APIResponse, code: String, _ comment: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(comment)")
        guard case .object(let root)? = try? response.json, case .object(let error)? = root["error"] else {
            Issue.record("not the contract's error body: \(comment)", sourceLocation: sourceLocation)
            return
        }
        #expect(Set(root.keys) == ["error"], "\(comment)", sourceLocation: sourceLocation)
        #expect(Set(error.keys) == ["code", "message"], "\(comment)", sourceLocation: sourceLocation)
        #expect(error["code"]?.stringValue == code, "\(comment)", sourceLocation: sourceLocation)
        #expect(error["message"]?.stringValue?.isEmpty == false, "\(comment)", sourceLocation: sourceLocation)
    }

    @Test(arguments: RouteTable.routes.indices)
    func everyCallerGetsWhatTheContractSays(routeIndex: Int) async throws {
        let route = RouteTable.routes[routeIndex]
        let merchant = try await TestMerchant.make().allowingPrivateWebhooks()
        let outcomes = try await merchant.test { client -> [String] in
            var outcomes: [String] = []
            for caller in Caller.all {
                let cell = "\(route) as \(caller)"
                let target = try await RouteFixtures.make(route.setup, for: merchant, client: client)
                let before = try await merchant.fingerprint()
                let response = try await client.send(route, route.request(target), key: caller.key(of: merchant))
                let expected = Self.expected(route, caller)
                outcomes.append("\(caller): \(response.status.code)")
                switch expected {
                case .allowed(let status):
                    #expect(response.status == status, "\(cell): \(String(decoding: response.bytes.prefix(300), as: UTF8.self))")
                    Self.expectNormalBody(response, route: route, target: target, cell)
                case .refused(let status, let code):
                    #expect(response.status == status, "\(cell)")
                    Self.expectContractError(response, code: code, cell)
                    #expect(try await merchant.fingerprint() == before, "\(cell) changed stored rows")
                }
            }
            return outcomes
        }
        #expect(outcomes.count == Caller.all.count, "\(route): \(outcomes)")
    }

    /// Routes whose allowed answer is the consent (or a document holding it).
    static let answersWithTheConsent: Set<String> = [
        "GET /v1/consents", "GET /v1/consents/{id}", "GET /v1/recurrences/{recurrenceId}",
        "POST /v1/consents/{id}/activate", "POST /v1/consents/{id}/cancel", "GET /v1/consents/{id}/evidence",
        "POST /v1/consents/{id}/legal-hold", "DELETE /v1/consents/{id}/legal-hold", "GET /v1/exports/consents",
    ]

    /// The allowed answer is the route's own: JSON (naming the consent asked for), the HTML page, or the metrics.
    static func expectNormalBody(_ response: APIResponse, route: RouteSpec, target: RouteTarget, _ cell: String) {
        let contentType = response.headers[.contentType] ?? ""
        switch route.path {
        case "/cancel/{token}": #expect(contentType.hasPrefix("text/html"), "\(cell)")
        case "/metrics": #expect(contentType.hasPrefix("text/plain"), "\(cell)")
        case "/v1/exports/consents": #expect(contentType.hasPrefix("application/x-ndjson"), "\(cell)")
        case "/v1/consents/{id}/dispute-evidence":
            #expect(contentType == "application/pdf", "\(cell)")
            #expect(response.bytes.starts(with: Array("%PDF-".utf8)), "\(cell)")
        default:
            #expect(contentType.hasPrefix("application/json"), "\(cell)")
            #expect((try? response.json) != nil, "\(cell)")
        }
        if answersWithTheConsent.contains(route.description) {
            #expect(String(decoding: response.bytes, as: UTF8.self).contains(target.consentId), "\(cell)")
        }
    }
}
