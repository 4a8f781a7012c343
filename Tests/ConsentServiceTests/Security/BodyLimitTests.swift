import ConsentRules
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ConsentService

/// The contract's 64 KiB body limit on a listening server: every JSON route takes a valid body of exactly the
/// limit, and refuses one byte more with 413 `payload_too_large` and nothing stored, however the body is framed.
@Suite struct BodyLimitTests {
    static let limit = 64 * 1024

    /// `json` with blanks after its opening brace until it is `size` bytes: still the same JSON value.
    static func padded(_ json: [UInt8], to size: Int) -> [UInt8] {
        precondition(json.first == UInt8(ascii: "{") && json.count <= size)
        return [json[0]] + [UInt8](repeating: UInt8(ascii: " "), count: size - json.count) + json.dropFirst()
    }

    static let jsonRoutes = RouteTable.routes.filter { $0.request(RouteTarget()).contentType == "application/json" }

    @Test func everyJSONRouteTakesExactlyTheLimitAndRefusesOneByteMore() async throws {
        #expect(Self.jsonRoutes.count == 9, "\(Self.jsonRoutes)")
        try await LiveService.with { merchant, client, _ in
            for route in Self.jsonRoutes {
                let atLimit = try await RouteFixtures.make(route.setup, for: merchant, client: client)
                var request = route.request(atLimit)
                request.body = Self.padded(try #require(request.body), to: Self.limit)
                let accepted = try await client.send(route, request, key: merchant.keys[.admin])
                #expect(accepted.status == route.allowedStatus, "\(route) at the limit: \(accepted.errorCode ?? "")")

                let over = try await RouteFixtures.make(route.setup, for: merchant, client: client)
                let before = try await merchant.fingerprint()
                request = route.request(over)
                request.body = Self.padded(try #require(request.body), to: Self.limit + 1)
                let refused = try await client.send(route, request, key: merchant.keys[.admin])
                #expect(refused.status == .contentTooLarge, "\(route)")
                RoleMatrixTests.expectContractError(refused, code: "payload_too_large", "\(route)")
                #expect(try await merchant.fingerprint() == before, "\(route) stored something")
            }
        }
    }

    /// The same limit when the body comes in chunks (no Content-Length to refuse it by), and when the declared
    /// length alone is over it.
    @Test func chunkedAndDeclaredBodiesOverTheLimitAreRefused() async throws {
        try await LiveService.with { merchant, _, port in
            let key = try #require(merchant.keys[.checkout])
            let head = "POST /v1/consents HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(key)\r\n"
                + "Content-Type: application/json\r\n"
            func chunked(_ body: [UInt8]) -> [UInt8] {
                var bytes = Array((head + "Transfer-Encoding: chunked\r\n\r\n").utf8)
                var offset = 0
                while offset < body.count {
                    let piece = body[offset..<min(body.count, offset + 4000)]
                    bytes += Array((String(piece.count, radix: 16) + "\r\n").utf8) + piece + Array("\r\n".utf8)
                    offset += piece.count
                }
                return bytes + Array("0\r\n\r\n".utf8)
            }
            let atLimit = try RawHTTPConnection(port: port)
            atLimit.send(chunked(Self.padded(ConsentBody.valid().serialized(), to: Self.limit)))
            #expect(await atLimit.answer(timeout: 20).status == 201)
            let before = try await merchant.fingerprint()

            let over = try RawHTTPConnection(port: port)
            over.send(chunked(Self.padded(ConsentBody.valid().serialized(), to: Self.limit + 1)))
            let refused = await over.answer(timeout: 20)
            #expect(refused.status == 413, "\(refused)")
            #expect(refused.description.contains("payload_too_large"), "\(refused)")

            // Only the head: a declared length over the limit is refused without waiting for the body.
            let declared = try RawHTTPConnection(port: port)
            declared.send(head + "Content-Length: \(Self.limit + 1)\r\n\r\n")
            let early = await declared.answer(timeout: 20)
            #expect(early.status == 413, "\(early)")
            #expect(try await merchant.fingerprint() == before, "a refused body stored something")
        }
    }

    /// The cancel form is read with a limit of its own (4 KiB): at it the form works, over it nothing is cancelled.
    @Test func theCancelFormHasItsOwnSmallerLimit() async throws {
        let merchant = try await TestMerchant.make()
        try await merchant.test { client in
            let target = try await RouteFixtures.make(.cancelLink, for: merchant, client: client)
            let form = "csrf=\(target.csrf)&pad="
            let before = try await merchant.fingerprint()
            let over = try await CancelPageTests.post(
                client, target.token, form: form + String(repeating: "x", count: 4097 - form.utf8.count))
            #expect(over.status == .contentTooLarge)
            RoleMatrixTests.expectContractError(over, code: "payload_too_large", "cancel form")
            #expect(try await merchant.fingerprint() == before)
            let atLimit = try await CancelPageTests.post(
                client, target.token, form: form + String(repeating: "x", count: 4096 - form.utf8.count))
            #expect(atLimit.status == .ok)
            #expect(try await CancelPageTests.status(client, merchant, target.consentId) == "cancelled")
        }
    }
}
