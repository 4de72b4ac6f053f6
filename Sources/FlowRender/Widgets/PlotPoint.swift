/// A point of the plotting box [−L, L]² (y up), as the plot widgets take them.
package struct PlotPoint: Sendable, Equatable {
    package var x: Double
    package var y: Double
    package init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}
