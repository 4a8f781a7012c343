import Testing

@testable import Notifier

@Suite struct AddressRedactionTests {
    @Test func addressesGiveWayToAPlaceholderAndTheRestStays() {
        let cases: [(String, String)] = [
            ("550 5.1.1 <darrel@example.com>: Recipient address rejected",
             "550 5.1.1 <[address removed]>: Recipient address rejected"),
            ("553 mailbox darrel.keeling+shop@mail.example.co.uk. is unknown",
             "553 mailbox [address removed]. is unknown"),
            ("550 <žydrūnas@pavyzdys.lt> and <x@[192.0.2.1]>", "550 <[address removed]> and <[address removed]>"),
            ("250 2.0.0 Ok: queued as 4F2A1", "250 2.0.0 Ok: queued as 4F2A1"),
            ("530 5.7.0 Must issue a STARTTLS command first @ once", "530 5.7.0 Must issue a STARTTLS command first @ once"),
            ("a@b", "[address removed]"),
        ]
        for (reply, stored) in cases {
            #expect(AddressRedaction.redacting(reply) == stored)
        }
    }
}
