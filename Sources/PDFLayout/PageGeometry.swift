/// An A4 page in points, with the bands its running header and footer use.
struct PageGeometry {
    let width = 595.28
    let height = 841.89
    let marginLeft = 56.0
    let marginRight = 56.0
    let headerRule = 46.0
    let bodyTop = 58.0
    let footerRule: Double
    let footerTop: Double
    let bodyBottom: Double

    init() {
        footerRule = height - 46
        footerTop = height - 40
        bodyBottom = height - 58
    }

    var textWidth: Double { width - marginLeft - marginRight }
    var bodyHeight: Double { bodyBottom - bodyTop }
}

struct InkColour {
    let red: Double
    let green: Double
    let blue: Double

    static let text = InkColour(red: 0.07, green: 0.07, blue: 0.07)
    static let label = InkColour(red: 0.33, green: 0.33, blue: 0.36)
    static let warning = InkColour(red: 0.62, green: 0.05, blue: 0.05)
    static let rule = InkColour(red: 0.72, green: 0.72, blue: 0.75)
    static let shade = InkColour(red: 0.93, green: 0.93, blue: 0.95)
}
