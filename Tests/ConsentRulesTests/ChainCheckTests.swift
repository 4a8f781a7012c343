import Testing

@testable import ConsentRules

/// The chain check that `audit verify` runs over every consent's stored history.
@Suite struct ChainCheckTests {
    static let start = Instant(rfc3339: "2026-11-21T10:15:00Z")!

    static func chain(_ count: Int) -> [ChainCheck.Link] {
        var links: [ChainCheck.Link] = []
        var previous = EventChain.genesisHash
        for seq in 1...count {
            let at = start.adding(seconds: Int64(seq * 60))
            let data: JSONValue = ["step": .integer(seq), "note": "Zoë"]
            let hash = EventChain.hash(seq: seq, type: "test.step", at: at, actor: "key:1", data: data, prevHash: previous)
            links.append(.init(seq: seq, type: "test.step", at: at, actor: "key:1", data: data, prevHash: previous, hash: hash))
            previous = hash
        }
        return links
    }

    static func replacing(_ links: [ChainCheck.Link], at index: Int, data: JSONValue? = nil, prevHash: String? = nil)
        -> [ChainCheck.Link]
    {
        var changed = links
        let link = links[index]
        changed[index] = .init(
            seq: link.seq, type: link.type, at: link.at, actor: link.actor, data: data ?? link.data,
            prevHash: prevHash ?? link.prevHash, hash: link.hash)
        return changed
    }

    @Test func anIntactChainPasses() {
        let links = Self.chain(4)
        #expect(ChainCheck.firstBreak(links, headSeq: 4, headHash: links[3].hash) == nil)
        #expect(ChainCheck.firstBreak([], headSeq: 0, headHash: EventChain.genesisHash) == nil)
    }

    @Test func aChangedEventIsNamed() {
        let links = Self.chain(4)
        let changed = Self.replacing(links, at: 2, data: ["step": 3, "note": "Zoe"])
        #expect(ChainCheck.firstBreak(changed, headSeq: 4, headHash: links[3].hash) == .contentChanged(seq: 3))
    }

    @Test func aRelinkedEventIsNamed() {
        let links = Self.chain(4)
        let changed = Self.replacing(links, at: 1, prevHash: String(repeating: "f", count: 64))
        #expect(ChainCheck.firstBreak(changed, headSeq: 4, headHash: links[3].hash) == .linkBroken(seq: 2))
    }

    @Test func aRemovedEventIsNamed() {
        let links = Self.chain(4)
        var removed = links
        removed.remove(at: 1)
        #expect(ChainCheck.firstBreak(removed, headSeq: 4, headHash: links[3].hash) == .outOfSequence(expected: 2, found: 3))
    }

    @Test func aCutOffEndIsNoticedFromTheHead() {
        let links = Self.chain(4)
        let cut = Array(links.prefix(3))
        let found = ChainCheck.firstBreak(cut, headSeq: 4, headHash: links[3].hash)
        #expect(found == .headMismatch(recordedSeq: 4, chainSeq: 3))
        #expect(found?.seq == 4)
    }

    @Test func aHeadThatPointsElsewhereIsNoticed() {
        let links = Self.chain(2)
        #expect(ChainCheck.firstBreak(links, headSeq: 2, headHash: links[0].hash) == .headMismatch(recordedSeq: 2, chainSeq: 2))
    }
}
