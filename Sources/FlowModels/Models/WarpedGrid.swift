import FlowCore

/// The transport view of an invertible model: straight lines of the base space
/// (z₁ = const and z₂ = const over [−2.5, 2.5]) mapped to data space by the model's inverse.
/// Where lines crowd, the flow compresses space, i.e. density is high.
package enum WarpedGrid {
    static let lineCount = 11
    static let pointsPerLine = 64
    static let extent: Float = 2.5

    package static func view(title: String, inverse: (Matrix) -> Matrix) -> SpecialView {
        let (lines, colors) = polylines(inverse(baseGrid()))
        return .lines(title: title, polylines: lines, colorIndex: colors)
    }

    /// The straight base-space lines as one matrix, line after line.
    static func baseGrid() -> Matrix {
        var z = Matrix(rows: 2 * lineCount * pointsPerLine, cols: 2)
        var row = 0
        for orientation in 0..<2 {
            for i in 0..<lineCount {
                let c = -extent + 2 * extent * Float(i) / Float(lineCount - 1)
                for j in 0..<pointsPerLine {
                    let t = -extent + 2 * extent * Float(j) / Float(pointsPerLine - 1)
                    z[row, 0] = orientation == 0 ? c : t
                    z[row, 1] = orientation == 0 ? t : c
                    row += 1
                }
            }
        }
        return z
    }

    /// The rows of a (mapped) `baseGrid()` as polylines, coloured by orientation.
    package static func polylines(_ x: Matrix) -> ([[Point2]], [Int]) {
        var lines: [[Point2]] = []
        var colors: [Int] = []
        for l in 0..<(2 * lineCount) {
            var line: [Point2] = []
            for j in 0..<pointsPerLine {
                let r = l * pointsPerLine + j
                line.append(Point2(Double(x[r, 0]), Double(x[r, 1])))
            }
            lines.append(line)
            colors.append(l < lineCount ? 0 : 1)
        }
        return (lines, colors)
    }
}
