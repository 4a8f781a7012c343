import ArgumentParser
import ConsentRules

struct MerchantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merchants", abstract: "Manage merchants.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a merchant with its policy (the defaults, or stricter ones).")

        @Option(help: "The merchant's id (letters, digits, '.', '_', '-').") var id: String
        @Option(help: "The merchant's name, as consumers know it.") var name: String
        @Option(help: "ISO 3166-1 country code; picks the business-day calendar.") var country: String
        @Option(help: "IANA time zone, e.g. Europe/Vilnius; decides the merchant's calendar days.") var timezone: String
        @Option(help: "The From of consumer emails: \"Name <address>\".") var sender: String
        @Option(help: "The address consumers reply to.") var supportEmail: String
        @Option(help: "Business days to confirm a consent in (at most 2).")
        var confirmationBusinessDays = MerchantPolicy.defaults.confirmationBusinessDays
        @Option(help: "Days a pre-debit notice goes out ahead of its debit (at least 14).")
        var noticeDays = MerchantPolicy.defaults.noticeDays
        @Option(help: "Months a finished consent is kept (at least 18).")
        var retentionMonths = MerchantPolicy.defaults.retentionMonths
        @Option(help: "Hours a pending consent waits for its first payment before it expires (1 to 24).")
        var activationWindowHours = MerchantPolicy.defaults.activationWindowSeconds / 3600
        @Option(help: "Days before a scheduled debit that a consumer whose card expires first is reminded (7 to 90).")
        var cardReminderDays = MerchantPolicy.defaults.cardReminderDays
        @Option(help: "The language of its printed evidence documents: en, lt or de.") var language = "en"
        @Flag(help: "Let amendments by notice also raise what consumers can be charged (else an increase needs the consumer's acceptance).")
        var increasesByNotice = false

        func run() async throws {
            let policy = MerchantPolicy(
                version: 1, confirmationBusinessDays: confirmationBusinessDays, noticeDays: noticeDays,
                retentionMonths: retentionMonths, activationWindowSeconds: activationWindowHours * 3600,
                increasesByNotice: increasesByNotice, cardReminderDays: cardReminderDays)
            let merchant = NewMerchant(
                id: id, name: name, country: country.uppercased(), timeZone: timezone, sender: sender,
                supportEmail: supportEmail, language: language, policy: policy)
            try await withDatabase { configuration, pool in
                let calendars = try CalendarRegistry.load(
                    directory: ResourceLocator.directory(named: "calendars", override: configuration.calendarsDirectory))
                let wording = try DocumentWording.load(
                    directory: ResourceLocator.directory(named: "templates", override: configuration.notifier.templatesDirectory))
                let problems = MerchantInput.validate(
                    id: merchant.id, name: merchant.name, country: merchant.country, timeZone: merchant.timeZone,
                    sender: merchant.sender, supportEmail: merchant.supportEmail, language: merchant.language,
                    documentLanguages: wording.languageCodes, policy: policy, calendars: calendars)
                guard problems.isEmpty else {
                    throw ValidationError(problems.joined(separator: "\n"))
                }
                try await MerchantStore.create(merchant, pool: pool)
            }
            print("created merchant \(id) (\(merchant.country), \(timezone), documents in \(language)); policy v1: confirm within \(confirmationBusinessDays) business days, notices \(noticeDays) days ahead, keep \(retentionMonths) months, activation window \(activationWindowHours) h, increases \(increasesByNotice ? "by notice allowed" : "need the consumer's acceptance")")
        }
    }
}
