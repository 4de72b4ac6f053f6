import Testing
import Foundation
import SnapshotTesting
import FlowApp
import FlowModels
import FlowRender

/// Whole screens with the scrubber and the probe (issue 13), at 80×24 and 160×48; references in
/// `__Snapshots__/InspectorSnapshotTests/`.
@Suite
struct InspectorSnapshotTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var model: ModelKind
        var dataset: String
        var size: Size
        var scrub: Double?
        var probe: Point2?
        var testDescription: String { name }
        var name: String {
            "\(model.rawValue)-\(dataset)-\(size)" + (scrub.map { "-scrub\(Int($0 * 100))" } ?? "") + (probe.map { "-probe\($0.x),\($0.y)" } ?? "")
        }
    }

    static let cases: [Case] = [
        Case(model: .realnvp, dataset: "8gaussians", size: Size(width: 160, height: 48), scrub: 0.5, probe: Point2(2, 0)),
        Case(model: .glow, dataset: "moons", size: Size(width: 80, height: 24), scrub: 0.25, probe: Point2(0.5, 0.25)),
        Case(model: .ffjord, dataset: "rings", size: Size(width: 80, height: 24), scrub: 0.5, probe: Point2(1, 1)),
        Case(model: .rad, dataset: "checkerboard", size: Size(width: 160, height: 48), scrub: 0.6, probe: Point2(-1, 1)),
        Case(model: .ctf, dataset: "u1", size: Size(width: 160, height: 48), scrub: 0.5),
        Case(model: .glf, dataset: "moons", size: Size(width: 80, height: 24), scrub: 0.9, probe: Point2(0, 0)),
    ]

    @Test(arguments: cases)
    func inspectedFrame(_ c: Case) throws {
        var o = HeadlessExplorer.Options(model: c.model, dataset: c.dataset, iterations: c.model == .ffjord ? 30 : 100, size: c.size)
        o.scrub = c.scrub
        o.probe = c.probe
        let text = try HeadlessExplorer.frame(o).text
        if c.scrub != nil { #expect(text.contains("/"), "the scrubbed panel names its stage") }
        if c.probe != nil { #expect(text.contains("Probe")) }
        assertSnapshot(of: text, as: .lines, named: c.name)
    }
}
