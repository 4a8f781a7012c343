import ConsentRules
import Foundation
import PGClient

/// Who is calling: the key, its role, and the merchant it acts for, with what that merchant's rules need.
struct Principal: Sendable {
    let keyId: UUID
    let role: Role
    let merchant: MerchantContext

    var actor: String { "key:\(keyId.lowercasedString)" }

    func require(_ permission: Permission) throws {
        guard role.may(permission) else { throw APIError.forbidden }
    }
}

struct MerchantContext: Sendable {
    let merchantId: String
    let country: String
    let timeZone: TimeZone
    let policy: MerchantPolicy
}
