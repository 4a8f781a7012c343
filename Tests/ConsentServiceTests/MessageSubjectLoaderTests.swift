import Foundation
import Testing

@testable import ConsentService

/// Subjects of messages composed at the same time are read together: each caller gets its own consent, and a
/// consent that is not there (another merchant's, or none) is nil, never someone else's.
@Suite struct MessageSubjectLoaderTests {
    @Test func concurrentLoadsEachGetTheirOwnConsentOrNil() async throws {
        let merchant = try await TestMerchant.make()
        let other = try await TestMerchant.make()
        var references: [String: String] = [:]
        for number in 1...6 {
            let reference = "subject-\(number)"
            let id = try await ConfirmationDeliveryTests.capture(
                merchant, ConsentBody.valid(reference: reference, recurrenceId: "rec-subject-\(number)"))
            references[id] = reference
        }
        let loader = MessageSubjectLoader(pool: merchant.shared.pool, keyring: TestEnvironment.keyring)
        let unknown = UUID()
        let firstId = try #require(references.keys.sorted().first)
        var asked = references.keys.map { (merchant.id, $0) }
        asked += [(merchant.id, unknown.lowercasedString), (other.id, firstId)]
        let answers = try await withThrowingTaskGroup(of: (String, String, String?).self) { group in
            for _ in 1...4 {
                for (merchantId, consentId) in asked {
                    group.addTask {
                        let subject = try await loader.load(
                            merchantId: merchantId, consentId: try #require(UUID(uuidString: consentId)))
                        if let subject {
                            #expect(subject.consent.merchantId == merchantId)
                            #expect(subject.consent.id.lowercasedString == consentId)
                        }
                        return (merchantId, consentId, subject?.consent.draft.merchantReference)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == asked.count * 4)
        for (merchantId, consentId, reference) in answers {
            #expect(reference == (merchantId == merchant.id ? references[consentId] : nil))
        }
    }
}
