import FlowCore

/// A 2-D point for views.
package struct Point2: Sendable, Equatable, Codable {
    package var x: Double
    package var y: Double
    package init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

extension Matrix {
    /// The rows of an `n × 2` matrix as points (an `n × 1` one lies on the x axis).
    package var points: [Point2] {
        (0..<rows).map { Point2(Double(self[$0, 0]), cols > 1 ? Double(self[$0, 1]) : 0) }
    }
}

/// `log N(z; 0, I)` for a 2-D point: `−½‖z‖² − log 2π`.
func standardNormalLogDensity2D(_ z1: Double, _ z2: Double) -> Double {
    -0.5 * (z1 * z1 + z2 * z2) - 1.8378770664093453
}
