import Foundation

/// A log-density field as a half-block heatmap, with an optional legend row under it.
/// The log scale spans the top `span` nats (`max(0, (lp − (max − span)) / span)`), the linear one
/// shows `p / p_max`; non-finite values draw as zero.
package struct FieldPlot: Widget {
    package var logValues: [Double]
    package var pixelWidth: Int
    package var pixelHeight: Int
    package var logScale: Bool
    package var showLegend: Bool
    package var span: Double
    package var capabilities: Capabilities

    package init(logValues: [Double], pixelWidth: Int, pixelHeight: Int, logScale: Bool = true, showLegend: Bool = true,
                span: Double = 8, capabilities: Capabilities = .full) {
        self.logValues = logValues
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
        self.logScale = logScale
        self.showLegend = showLegend
        self.span = span
        self.capabilities = capabilities
    }

    /// The largest finite value (0 when there is none).
    package static func maximum(_ logValues: [Double]) -> Double { logValues.filter(\.isFinite).max() ?? 0 }

    /// Log-densities mapped to [0, 1].
    package static func scaled(_ logValues: [Double], log: Bool, span: Double = 8) -> [Double] {
        let maxLog = maximum(logValues)
        return logValues.map { lp in
            guard lp.isFinite else { return 0 }
            return log ? max(0, (lp - (maxLog - span)) / span) : Foundation.exp(lp - maxLog)
        }
    }

    /// Where the heatmap goes in `area`: all of it, less the legend row when there is one.
    package static func heatArea(_ area: Rect, legend: Bool = true) -> Rect {
        Rect(x: area.x, y: area.y, width: area.width, height: max(0, area.height - (legend ? 1 : 0)))
    }

    /// The legend row: the last row of `area`.
    package static func legendArea(_ area: Rect) -> Rect {
        Rect(x: area.x, y: area.maxY - 1, width: area.width, height: area.height > 0 ? 1 : 0)
    }

    package func render(in area: Rect, on frame: inout Frame) {
        let heat = Self.heatArea(area, legend: showLegend)
        guard !heat.isEmpty else { return }
        Heatmap(values: Self.scaled(logValues, log: logScale, span: span), pixelWidth: pixelWidth, pixelHeight: pixelHeight,
                capabilities: capabilities).render(in: heat, on: &frame)
        guard showLegend else { return }
        let maxLog = Self.maximum(logValues)
        let low = logScale ? String(format: "%.1f", maxLog - span) : "0"
        let high = logScale ? String(format: "log p %.1f", maxLog) : String(format: "p %.3g", Foundation.exp(maxLog))
        Legend(low: low, high: high, capabilities: capabilities).render(in: Self.legendArea(area), on: &frame)
    }
}
