/// A size in terminal cells.
package struct Size: Sendable, Equatable, Hashable, CustomStringConvertible {
    package var width: Int
    package var height: Int
    package init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }
    package static let zero = Size(width: 0, height: 0)
    package var description: String { "\(width)x\(height)" }

    /// Parses `WxH` (e.g. `120x40`).
    package init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w >= 0, h >= 0 else { return nil }
        self.init(width: w, height: h)
    }
}

/// A rectangle of cells: origin at the top-left, x to the right, y down.
package struct Rect: Sendable, Equatable, Hashable {
    package var x: Int
    package var y: Int
    package var width: Int
    package var height: Int

    package init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    package init(size: Size) { self.init(x: 0, y: 0, width: size.width, height: size.height) }

    package var isEmpty: Bool { width == 0 || height == 0 }
    package var maxX: Int { x + width }
    package var maxY: Int { y + height }

    /// The rectangle shrunk by `n` cells on every side.
    package func inset(by n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }

    package func intersection(_ o: Rect) -> Rect {
        let x0 = max(x, o.x), y0 = max(y, o.y)
        return Rect(x: x0, y: y0, width: min(maxX, o.maxX) - x0, height: min(maxY, o.maxY) - y0)
    }

    package func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

    /// Splits horizontally into `count` columns of near-equal width.
    package func columns(_ count: Int, gap: Int = 0) -> [Rect] {
        Rect.split(width, into: count, gap: gap).map { Rect(x: x + $0.offset, y: y, width: $0.length, height: height) }
    }

    /// Splits vertically into `count` rows of near-equal height.
    package func rows(_ count: Int, gap: Int = 0) -> [Rect] {
        Rect.split(height, into: count, gap: gap).map { Rect(x: x, y: y + $0.offset, width: width, height: $0.length) }
    }

    /// Offsets and lengths of `count` near-equal parts of `total` cells with `gap` cells between
    /// them; the first `remainder` parts get one cell more.
    static func split(_ total: Int, into count: Int, gap: Int) -> [(offset: Int, length: Int)] {
        guard count > 0 else { return [] }
        let usable = total - gap * (count - 1)
        var parts: [(offset: Int, length: Int)] = []
        var offset = 0
        for i in 0..<count {
            let length = usable / count + (i < usable % count ? 1 : 0)
            parts.append((offset, length))
            offset += length + gap
        }
        return parts
    }
}
