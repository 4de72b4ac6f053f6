import Foundation
import FlowCore
import FlowRender
import FlowData
import FlowModels

/// The target density on the plotting grid: exact for energy targets (normalised by
/// quadrature), a histogram of many fixed-seed samples for toy data, of the points for a CSV.
package enum TargetField {
    package static let histogramSamples = 60_000
    package static let seed: UInt64 = 0x7A26E7

    package static func compute(_ dataset: Dataset, pixels: Size, box: Double) -> FieldGrid {
        compute(dataset, pixels: pixels, box: ViewBox.square(box))
    }

    /// The target over a view box (a CSV's fitted rectangle).
    package static func compute(_ dataset: Dataset, pixels: Size, box: ViewBox) -> FieldGrid {
        let (w, h) = (pixels.width, pixels.height)
        guard w > 0, h > 0 else { return FieldGrid(width: 0, height: 0, logValues: []) }
        if case .energy(let target) = dataset {
            let grid = Evaluation.gridPoints(width: w, height: h, box: box)
            let q = target.quadrature
            return FieldGrid(width: w, height: h, logValues: (0..<grid.rows).map {
                q.logDensity(Double(grid[$0, 0]), Double(grid[$0, 1]))
            })
        }
        let points: Matrix
        if case .csv(let c) = dataset { points = c.train } else {
            var rng = Xoshiro256(seed: seed)
            points = dataset.sample(count: histogramSamples, using: &rng)
        }
        return histogram(points, pixels: pixels, box: box)
    }

    /// Log of the histogram density (count / (n · cell area)); −inf in empty cells.
    package static func histogram(_ points: Matrix, pixels: Size, box: Double) -> FieldGrid {
        histogram(points, pixels: pixels, box: ViewBox.square(box))
    }

    /// The histogram over a view box; for [−L, L]² the arithmetic is that of the square box.
    package static func histogram(_ points: Matrix, pixels: Size, box: ViewBox) -> FieldGrid {
        let (w, h) = (pixels.width, pixels.height)
        let left = box.centerX - box.halfWidth, top = box.centerY + box.halfHeight
        let (hx, hy) = (box.halfWidth, box.halfHeight)
        var counts = [Double](repeating: 0, count: w * h)
        for r in 0..<points.rows {
            let x = Double(points[r, 0]), y = Double(points[r, 1])
            let i = Int(((x - left) / (2 * hx) * Double(w)).rounded(.down))
            let j = Int(((top - y) / (2 * hy) * Double(h)).rounded(.down))
            if i >= 0 && i < w && j >= 0 && j < h { counts[j * w + i] += 1 }
        }
        let cellArea = (2 * hx / Double(w)) * (2 * hy / Double(h))
        let n = Double(max(points.rows, 1))
        return FieldGrid(width: w, height: h, logValues: counts.map { $0 > 0 ? Foundation.log($0 / (n * cellArea)) : -.infinity })
    }
}

