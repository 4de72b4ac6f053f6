/// A dot canvas with 2 × 4 dots per cell drawn as Unicode braille (U+2800–U+28FF), the
/// standard trick for terminal scatter plots (drawille). Each cell takes the colour of the last
/// series drawn into it. Without Unicode, a cell's dot count picks an ASCII character.
package struct BrailleCanvas: Widget {
    package let width: Int
    package let height: Int
    var dots: [UInt8]
    var colors: [Int]
    package var capabilities: Capabilities
    /// Series colours by index.
    package var seriesColors: [Color]

    package init(width: Int, height: Int, capabilities: Capabilities = .full, seriesColors: [Color] = [.brightCyan]) {
        self.width = max(0, width)
        self.height = max(0, height)
        dots = [UInt8](repeating: 0, count: self.width * self.height)
        colors = [Int](repeating: 0, count: self.width * self.height)
        self.capabilities = capabilities
        self.seriesColors = seriesColors
    }

    package var dotWidth: Int { 2 * width }
    package var dotHeight: Int { 4 * height }

    /// Braille bit for the dot at column `dx` ∈ {0,1}, row `dy` ∈ 0..<4 of a cell.
    static let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Sets the dot at (px, py) in dot coordinates; ignored outside the canvas.
    package mutating func plot(_ px: Int, _ py: Int, series: Int = 0) {
        guard px >= 0, py >= 0, px < dotWidth, py < dotHeight else { return }
        let i = (py / 4) * width + px / 2
        dots[i] |= BrailleCanvas.bits[px % 2][py % 4]
        colors[i] = series
    }

    func toDot(_ x: Double, _ y: Double, box: Double) -> (Int, Int) {
        (Int(((x + box) / (2 * box) * Double(dotWidth)).rounded(.down)),
         Int(((box - y) / (2 * box) * Double(dotHeight)).rounded(.down)))
    }

    /// Plots a point of the box [−L, L]² (y up).
    package mutating func plot(x: Double, y: Double, box: Double, series: Int = 0) {
        guard x.isFinite, y.isFinite, abs(x) < 1e6, abs(y) < 1e6 else { return }
        let (px, py) = toDot(x, y, box: box)
        plot(px, py, series: series)
    }

    /// A straight segment between two box points (Bresenham in dot space).
    package mutating func line(from a: (Double, Double), to b: (Double, Double), box: Double, series: Int = 0) {
        guard a.0.isFinite, a.1.isFinite, b.0.isFinite, b.1.isFinite else { return }
        // Skip segments far outside the canvas (diverged paths).
        let far = 4 * box
        if abs(a.0) > far || abs(a.1) > far || abs(b.0) > far || abs(b.1) > far { return }
        var (x0, y0) = toDot(a.0, a.1, box: box)
        let (x1, y1) = toDot(b.0, b.1, box: box)
        let dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1
        let dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            plot(x0, y0, series: series)
            if x0 == x1 && y0 == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x0 += sx }
            if e2 <= dx { err += dx; y0 += sy }
        }
    }

    package func render(in area: Rect, on frame: inout Frame) {
        for cy in 0..<min(height, area.height) {
            for cx in 0..<min(width, area.width) {
                let i = cy * width + cx
                let bits = dots[i]
                guard bits != 0 else { continue }
                var style = Style()
                if capabilities.colors != .none && !seriesColors.isEmpty {
                    style.foreground = seriesColors[colors[i] % seriesColors.count]
                }
                let symbol: Character
                if capabilities.unicode {
                    symbol = Character(Unicode.Scalar(0x2800 + UInt32(bits))!)
                } else {
                    let n = bits.nonzeroBitCount
                    symbol = n <= 2 ? "." : (n <= 5 ? "o" : "#")
                }
                frame.set(area.x + cx, area.y + cy, Cell(symbol, style: style), clip: area)
            }
        }
    }
}
