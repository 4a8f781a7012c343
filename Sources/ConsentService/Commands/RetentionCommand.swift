import ArgumentParser
import Foundation
import Logging
import PGClient

struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "Apply the retention rules.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete every consent past its retainUntil without a legal hold, leaving a tombstone for each.",
            discussion: """
                A consent with a message still queued waits for it. Also deletes idempotency records older than \
                24 hours.
                """)

        @Flag(help: "List what would be deleted, and delete nothing.") var dryRun = false

        func run() async throws {
            let dryRun = self.dryRun
            let (purged, verb) = try await withDatabase { configuration, pool in
                let purge = RetentionPurge(
                    pool: pool, clock: .system, keyring: try configuration.personalDataKeys.keyring(),
                    interval: .seconds(86400), logger: Logger(label: "retention"))
                if dryRun { return (try await purge.listDue(), "would delete") }
                let purged = try await purge.purgeDue()
                _ = try await purge.expireIdempotencyRecords()
                return (purged, "deleted")
            }
            for consent in purged {
                print("\(verb) merchant \(consent.merchantId) consent \(consent.consentId.lowercasedString) reference \(consent.merchantReference)")
            }
            print("\(purged.count) consents \(verb == "deleted" ? "deleted" : "due")")
        }
    }
}
