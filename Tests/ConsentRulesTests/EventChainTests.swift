import Testing
@testable import ConsentRules

@Suite("Event hash chain")
struct EventChainTests {
    private let at = Instant(rfc3339: "2026-11-21T10:15:00Z")!
    private let data: JSONValue = ["status": "active", "amount": "10.23", "note": "é\n"]

    @Test func genesisIsSixtyFourZeros() {
        #expect(EventChain.genesisHash == String(repeating: "0", count: 64))
    }

    @Test func hashesTheCanonicalJSON() {
        // Expected value computed independently over:
        // {"actor":"key:abc","at":"2026-11-21T10:15:00Z","data":{"amount":"10.23","note":"é\n","status":"active"},
        //  "prevHash":"000…0","seq":1,"type":"consent.created"}
        let hash = EventChain.hash(seq: 1, type: "consent.created", at: at, actor: "key:abc", data: data,
                                   prevHash: EventChain.genesisHash)
        #expect(hash == "a9021c51b9b8297709066a4fe84401bdc7b0586a347804fc7e96561e3151c21a")
    }

    @Test func dependsOnEveryField() {
        let base = EventChain.hash(seq: 1, type: "t", at: at, actor: "a", data: data, prevHash: EventChain.genesisHash)
        let variants = [
            EventChain.hash(seq: 2, type: "t", at: at, actor: "a", data: data, prevHash: EventChain.genesisHash),
            EventChain.hash(seq: 1, type: "u", at: at, actor: "a", data: data, prevHash: EventChain.genesisHash),
            EventChain.hash(seq: 1, type: "t", at: at.adding(microseconds: 1), actor: "a", data: data, prevHash: EventChain.genesisHash),
            EventChain.hash(seq: 1, type: "t", at: at, actor: "b", data: data, prevHash: EventChain.genesisHash),
            EventChain.hash(seq: 1, type: "t", at: at, actor: "a", data: ["status": "active"], prevHash: EventChain.genesisHash),
            EventChain.hash(seq: 1, type: "t", at: at, actor: "a", data: data, prevHash: String(repeating: "1", count: 64)),
        ]
        #expect(Set(variants + [base]).count == 7)
        #expect(base.utf8.count == 64 && base.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func doesNotDependOnKeyOrderOfParsedData() throws {
        let first = try JSONValue.parse(Array(#"{"b": 1, "a": [true, null]}"#.utf8))
        let second = try JSONValue.parse(Array(#"{ "a" : [ true , null ] , "b" : 1 }"#.utf8))
        #expect(EventChain.hash(seq: 1, type: "t", at: at, actor: "a", data: first, prevHash: EventChain.genesisHash)
                == EventChain.hash(seq: 1, type: "t", at: at, actor: "a", data: second, prevHash: EventChain.genesisHash))
    }

    @Test func chainsAndDetectsTampering() {
        var previous = EventChain.genesisHash
        var events: [(seq: Int, type: String, data: JSONValue, hash: String, prevHash: String)] = []
        for (seq, type) in ["consent.created", "consent.activated", "confirmation.sent"].enumerated() {
            let eventData: JSONValue = ["n": .integer(seq)]
            let hash = EventChain.hash(seq: seq + 1, type: type, at: at, actor: "system", data: eventData, prevHash: previous)
            events.append((seq + 1, type, eventData, hash, previous))
            previous = hash
        }
        for event in events {
            #expect(EventChain.verify(hash: event.hash, seq: event.seq, type: event.type, at: at, actor: "system",
                                      data: event.data, prevHash: event.prevHash))
        }
        let second = events[1]
        #expect(!EventChain.verify(hash: second.hash, seq: second.seq, type: second.type, at: at, actor: "system",
                                   data: ["n": 99], prevHash: second.prevHash))
        #expect(events[2].prevHash == events[1].hash)
    }

    @Test func digestsKnownVectors() {
        #expect(Digest.sha256Hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256Hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // A collection without contiguous storage takes the copying path.
        #expect(Digest.sha256Hex(AnyCollection(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Digest.sha256Hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
