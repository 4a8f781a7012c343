import ConsentRules
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ConsentService

struct APIResponse: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let bytes: [UInt8]

    var json: JSONValue {
        get throws { try JSONValue.parse(bytes) }
    }

    var errorCode: String? { (try? json)?["error"]?["code"]?.stringValue }

    var errorFields: [String] {
        guard case .array(let fields)? = (try? json)?["error"]?["fields"] else { return [] }
        return fields.compactMap { $0["field"]?.stringValue }
    }
}

extension TestClientProtocol {
    func call(
        _ method: HTTPRequest.Method, _ uri: String, key: String?, json: JSONValue? = nil, rawBody: [UInt8]? = nil,
        contentType: String? = "application/json", headers extra: HTTPFields = [:]
    ) async throws -> APIResponse {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        let bytes = rawBody ?? json?.serialized()
        if bytes != nil, let contentType { headers[.contentType] = contentType }
        return try await execute(
            uri: uri, method: method, headers: headers, body: bytes.map { ByteBuffer(bytes: $0) }
        ) { response in
            APIResponse(status: response.status, headers: response.headers, bytes: Array(response.body.readableBytesView))
        }
    }
}

/// A valid consent body, as the contract's example, that tests change one field at a time.
enum ConsentBody {
    static func valid(reference: String = "order-" + UUID().uuidString.prefix(8), recurrenceId: String? = "rec-" + randomLetters())
        -> JSONValue
    {
        var body: [String: JSONValue] = [
            "merchantReference": .string(reference),
            "consumer": .object([
                "firstName": .string("Darrel"), "lastName": .string("Keeling"),
                "email": .string("darrel@example.com"), "phone": .string("+37066666666"), "language": .string("en"),
            ]),
            "terms": .object([
                "type": .string("scheduled"), "amount": .string("10.23"), "currency": .string("EUR"),
                "amountType": .string("fixed"), "firstDebitDate": .string("2026-12-15"), "dateType": .string("fixed"),
                "frequency": .object(["interval": .string("custom"), "days": .number("15")]),
                "endDate": .string("2028-12-15"),
            ]),
            "communication": .object(["method": .string("email"), "address": .string("darrel@example.com")]),
            "card": .object([
                "brand": .string("VISA"), "last4": .string("1096"), "expiryMonth": .number("12"),
                "expiryYear": .number("2028"),
            ]),
            "evidence": .object([
                "acceptedAt": .string("2026-11-21T10:15:00Z"), "ipAddress": .string("235.114.187.1"),
                "userAgent": .string("Mozilla/5.0"), "disclosureText": .string("the exact text the consumer agreed to"),
                "disclosureVersion": .string("2026-11"),
            ]),
        ]
        if let recurrenceId { body["recurrenceId"] = .string(recurrenceId) }
        return .object(body)
    }
}

/// Letters only, so that random test data can never form a card number by chance.
func randomLetters(_ count: Int = 16) -> String {
    String((0..<count).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement() ?? "a" })
}

extension JSONValue {
    /// A copy with the value at a dotted path replaced, or removed when `value` is nil.
    func setting(_ path: String, _ value: JSONValue?) -> JSONValue {
        let keys = path.split(separator: ".").map(String.init)
        return setting(keys[...], value)
    }

    private func setting(_ keys: ArraySlice<String>, _ value: JSONValue?) -> JSONValue {
        guard case .object(var object) = self, let first = keys.first else { return self }
        if keys.count == 1 {
            object[first] = value
        } else {
            object[first] = (object[first] ?? .object([:])).setting(keys.dropFirst(), value)
        }
        return .object(object)
    }
}
