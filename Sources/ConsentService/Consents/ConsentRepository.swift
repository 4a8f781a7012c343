import ConsentRules
import Foundation

/// What the consent routes need from storage. Every call carries the caller's key hash: the implementation
/// authenticates within the same database lease as the work, so a request costs one lease.
protocol ConsentRepository: Sendable {
    func capture(_ request: CaptureRequest) async throws -> StoredResponse
    func consent(id: UUID, keyHash: [UInt8]) async throws -> JSONValue
    func consent(merchantReference: String, keyHash: [UInt8]) async throws -> JSONValue
    func consent(recurrenceId: String, keyHash: [UInt8]) async throws -> JSONValue
    func activate(_ request: ActivationRequest) async throws -> JSONValue
    func list(_ query: ConsentListQuery, keyHash: [UInt8]) async throws -> JSONValue
}

struct CaptureRequest: Sendable {
    let keyHash: [UInt8]
    let body: JSONValue
    let idempotencyKey: String?
}

struct ActivationRequest: Sendable {
    let keyHash: [UInt8]
    let consentId: UUID
    let recurrenceId: String
    let initialPaymentId: String?
}

/// A response as first given, replayed byte for byte for a repeated Idempotency-Key.
struct StoredResponse: Sendable {
    let status: Int
    let body: [UInt8]
    /// The consent that answered, when one did: the stored key belongs to it, so that its purge takes the key
    /// (and its sealed copy of the consumer's data) too.
    var consentId: UUID? = nil
}
