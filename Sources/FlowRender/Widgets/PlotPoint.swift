/// A point of the plotting box [−L, L]² (y up), as the plot widgets take them.
public struct PlotPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}
