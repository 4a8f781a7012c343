import ArgumentParser
import Foundation

struct PersonalDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "personal-data",
        abstract: "Manage the keys consumers' personal data is sealed with (see the README on rotating them).",
        subcommands: [NewKey.self, ShowStatus.self, Reseal.self])

    struct NewKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new-key",
            abstract: "Print a new random key entry (id:base64) to put first in PERSONAL_DATA_KEYS or its file.")

        @Argument(help: "The new key's id: 1 to 64 of A-Z a-z 0-9 . _ - (for example the month it starts).")
        var id: String

        func validate() throws {
            guard PersonalDataKeySource.isValidKeyId(id) else {
                throw ValidationError("a key id is 1 to 64 of A-Z a-z 0-9 . _ -")
            }
        }

        func run() throws {
            print(PersonalDataKeySource.newEntry(id: id))
        }
    }

    struct ShowStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Count the stored rows of personal data under each key id; an old key can go once it counts none.")

        func run() async throws {
            let (current, rows) = try await withDatabase { configuration, pool in
                let keyring = try configuration.personalDataKeys.keyring()
                return (keyring.currentKeyId, try await PersonalDataSealing(pool: pool, keyring: keyring).status())
            }
            print("current key: \(current)")
            for row in rows {
                print("\(row.table)\t\(row.keyId)\t\(row.rows)")
            }
        }
    }

    struct Reseal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every row of personal data under the current key (safe beside a running service).")

        func run() async throws {
            let counts = try await withDatabase { configuration, pool in
                try await PersonalDataSealing(pool: pool, keyring: configuration.personalDataKeys.keyring()).resealAll()
            }
            for (table, rows) in counts.sorted(by: { $0.key < $1.key }) {
                print("\(table)\t\(rows) rows re-sealed")
            }
        }
    }
}
