import ArgumentParser
import Foundation

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key for a merchant and role, and print it once: only its hash is kept.")

        @Option(help: "The merchant the key acts for.") var merchant: String
        @Option(help: "checkout, billing, auditor or admin.") var role: String
        @Option(help: "A note to tell keys apart in listings.") var label: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let merchant = self.merchant
            let label = self.label
            let created = try await withDatabase { _, pool in
                try await MerchantStore.createKey(merchantId: merchant, role: role, label: label, pool: pool)
            }
            FileHandle.standardError.write(Data("key \(created.id.lowercased) (\(role.rawValue)) for \(merchant); store it now, it is not shown again:\n".utf8))
            print(created.key)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a merchant's keys (never the keys themselves).")

        @Option(help: "The merchant whose keys to list.") var merchant: String

        func run() async throws {
            let merchant = self.merchant
            let keys = try await withDatabase { _, pool in try await MerchantStore.keys(merchantId: merchant, pool: pool) }
            print(["KEY ID", "ROLE", "PREFIX", "CREATED", "REVOKED", "LABEL"].joined(separator: "\t"))
            for key in keys {
                print([key.id.lowercased, key.role, key.prefix, key.createdAt, key.revokedAt.isEmpty ? "-" : key.revokedAt, key.label]
                    .joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key; it is refused from the next request on.")

        @Option(help: "The merchant the key belongs to.") var merchant: String
        @Option(name: .customLong("key-id"), help: "The key's id, as listed.") var keyId: String

        func run() async throws {
            guard let id = UUID(uuidString: keyId) else { throw ValidationError("--key-id must be a key id (a UUID)") }
            let merchant = self.merchant
            try await withDatabase { _, pool in try await MerchantStore.revokeKey(merchantId: merchant, keyId: id, pool: pool) }
            print("revoked key \(id.lowercased)")
        }
    }
}
