/// What is drawn on one page, in order.
enum PlacedItem {
    case text(TextLayout, lines: Range<Int>, x: Double, y: Double, colour: InkColour)
    case rule(x: Double, y: Double, width: Double)
    case shade(x: Double, y: Double, width: Double, height: Double)
}

/// Fills pages from top to bottom: where the next piece goes, and when a page is full. Knows nothing of
/// what a block means; the renderer asks it for room.
struct PageFlow {
    let geometry: PageGeometry
    private(set) var pages: [[PlacedItem]] = [[]]
    private(set) var y: Double

    init(geometry: PageGeometry) {
        self.geometry = geometry
        y = geometry.bodyTop
    }

    var atPageTop: Bool { y <= geometry.bodyTop }
    var roomLeft: Double { geometry.bodyBottom - y }

    mutating func newPage() {
        pages.append([])
        y = geometry.bodyTop
    }

    /// Starts a new page unless `height` fits on this one; a piece taller than a page starts at a page's top.
    mutating func makeRoom(_ height: Double) {
        if height > roomLeft && !atPageTop { newPage() }
    }

    mutating func advance(_ height: Double) {
        y += height
    }

    mutating func place(_ item: PlacedItem) {
        pages[pages.count - 1].append(item)
    }

    /// Places a text's lines from the current position, running onto further pages as each fills up.
    mutating func flow(_ text: TextLayout, x: Double, colour: InkColour) {
        var first = 0
        while first < text.lines.count {
            var last = first
            var used = 0.0
            while last < text.lines.count {
                let lineHeight = text.lines[last].height
                if used + lineHeight > roomLeft && !(last == first && atPageTop) { break }
                used += lineHeight
                last += 1
            }
            if last == first {
                newPage()
                continue
            }
            place(.text(text, lines: first..<last, x: x, y: y, colour: colour))
            advance(used)
            first = last
        }
    }
}
