import Foundation
import ConsentRules
import Hummingbird
import NIOCore

/// Reads a request body as JSON under the contract's rules: media type, size, syntax, then no card numbers.
enum RequestBody {
    static func json(_ request: Request) async throws -> JSONValue {
        guard isJSONMediaType(request.headers[.contentType]) else {
            throw APIError(
                status: .unsupportedMediaType, code: .unsupportedMediaType,
                message: "The body must be sent as Content-Type: application/json.")
        }
        // A declared length over the limit is refused before any of the body is read or waited for.
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > RequestLimits.maxBodyBytes {
            throw APIError.payloadTooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: RequestLimits.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw APIError(
                status: .badRequest, code: .malformedJSON,
                message: "The body is not valid JSON: \(error.reason) at byte \(error.offset).")
        }
        if CardNumberGuard.containsCardNumber(value) {
            throw APIError.cardNumber
        }
        return value
    }

    /// `application/json`, optionally with a UTF-8 charset parameter; JSON has no other encoding (RFC 8259).
    static func isJSONMediaType(_ header: String?) -> Bool {
        guard let header else { return false }
        // Nearly every client sends exactly this; the general parse below goes through Foundation per request.
        if header == "application/json" { return true }
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/json" else { return false }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0) }
            if pair.first == "charset", pair.count == 2, pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) != "utf-8" {
                return false
            }
        }
        return true
    }
}

extension APIError {
    static let payloadTooLarge = APIError(
        status: .contentTooLarge, code: .payloadTooLarge,
        message: "The body is larger than \(RequestLimits.maxBodyBytes / 1024) KiB.")
}
