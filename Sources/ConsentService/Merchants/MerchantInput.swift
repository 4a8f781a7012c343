import ConsentRules
import Foundation
import Notifier

/// Checks what the operator typed for a new merchant, reporting every problem at once.
enum MerchantInput {
    static func validate(
        id: String, name: String, country: String, timeZone: String, sender: String, supportEmail: String,
        language: String, documentLanguages: [String], policy: MerchantPolicy, calendars: CalendarRegistry
    ) -> [String] {
        var problems: [String] = []
        if id.range(of: #"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"#, options: .regularExpression) == nil {
            problems.append("--id must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 200 {
            problems.append("--name must be 1–200 characters")
        }
        if calendars.calendar(for: country) == nil {
            problems.append(
                "--country \(country) has no business-day calendar; known: \(calendars.countries.joined(separator: ", "))")
        }
        if TimeZone(identifier: timeZone) == nil {
            problems.append("--timezone must be an IANA time zone such as Europe/Vilnius")
        }
        if senderAddress(sender) == nil {
            problems.append("--sender must be \"Name <address@example.com>\" or an address")
        }
        if !EmailAddress.isPlausible(supportEmail) {
            problems.append("--support-email must be an email address")
        }
        if !documentLanguages.contains(language) {
            problems.append("--language must be one of \(documentLanguages.joined(separator: ", "))")
        }
        let defaults = MerchantPolicy.defaults
        if !(0...defaults.confirmationBusinessDays).contains(policy.confirmationBusinessDays) {
            problems.append("--confirmation-business-days may only be stricter than \(defaults.confirmationBusinessDays)")
        }
        if !(defaults.noticeDays...365).contains(policy.noticeDays) {
            problems.append("--notice-days must be from \(defaults.noticeDays) to 365")
        }
        if !(defaults.retentionMonths...240).contains(policy.retentionMonths) {
            problems.append("--retention-months must be from \(defaults.retentionMonths) to 240")
        }
        if !(60...defaults.activationWindowSeconds).contains(policy.activationWindowSeconds) {
            problems.append("--activation-window-hours may only be stricter than \(defaults.activationWindowSeconds / 3600)")
        }
        if !(7...90).contains(policy.cardReminderDays) {
            problems.append("--card-reminder-days must be from 7 to 90")
        }
        return problems
    }

    /// The address of `Name <address>` or of a bare address, when it may go into mail headers as it is.
    static func senderAddress(_ sender: String) -> String? {
        guard let mailbox = MailAddress(parsing: sender), EmailAddress.isPlausible(mailbox.address) else { return nil }
        return mailbox.address
    }
}
