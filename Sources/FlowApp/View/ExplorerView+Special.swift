import Foundation
import FlowData
import FlowModels
import FlowRender

/// The model-view panel: whatever `SpecialView` the model draws (lines, regions, points, a
/// field, or two point clouds side by side).
extension ExplorerView {
    static func renderSpecial(_ snap: ModelSnapshot?, in panel: Rect, caps: Capabilities, box: Double, on frame: inout Frame) {
        let inner = Panel.inner(panel)
        let viewBox = snap?.viewBox ?? .standard
        guard let snap else {
            Panel(title: "Model view", capabilities: caps).render(in: panel, on: &frame)
            return
        }
        let count = snap.specialViewNames.count
        let suffix = count > 1 ? " [v \(snap.specialIndex + 1)/\(count)]" : ""
        switch snap.special {
        case .lines(let title, let polylines, let colorIndex):
            Panel(title: title + suffix, capabilities: caps).render(in: panel, on: &frame)
            PolylinePlot(polylines: polylines.map { canonical($0, viewBox) }, colorIndex: colorIndex, box: box, capabilities: caps)
                .render(in: inner, on: &frame)
        case .points(let title, let points):
            Panel(title: title + suffix, capabilities: caps).render(in: panel, on: &frame)
            ScatterPlot(points: canonical(points, viewBox), box: box, color: .brightGreen, capabilities: caps).render(in: inner, on: &frame)
        case .regions(let title, let w, let h, let labels, let points):
            Panel(title: title + suffix, capabilities: caps).render(in: panel, on: &frame)
            RegionMap(labels: labels, pixelWidth: w, pixelHeight: h, capabilities: caps).render(in: inner, on: &frame)
            PointOverlay(points: canonical(points, viewBox), box: box, color: .black, capabilities: caps).render(in: inner, on: &frame)
        case .field(let title, let w, let h, let logValues, let points):
            Panel(title: title + suffix, capabilities: caps).render(in: panel, on: &frame)
            FieldPlot(logValues: logValues, pixelWidth: w, pixelHeight: h, showLegend: false, capabilities: caps).render(in: inner, on: &frame)
            PointOverlay(points: canonical(points, viewBox), box: box, color: .brightWhite, capabilities: caps).render(in: inner, on: &frame)
        case .pointPair(let title, let left, let right):
            Panel(title: title + suffix, capabilities: caps).render(in: panel, on: &frame)
            SideBySideScatter(left: (left.caption, canonical(left.points, viewBox), .brightYellow),
                              right: (right.caption, canonical(right.points, viewBox), .brightGreen),
                              box: box, capabilities: caps).render(in: inner, on: &frame)
        case .none:
            Panel(title: "Model view", capabilities: caps).render(in: panel, on: &frame)
        }
    }
}
