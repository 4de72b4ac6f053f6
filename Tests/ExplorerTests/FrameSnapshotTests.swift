import Testing
import Foundation
import SnapshotTesting
import FlowApp
import FlowModels
import FlowRender

/// Whole-screen snapshots of the explorer after seeded training. References live in
/// `__Snapshots__/FrameSnapshotTests/` and are committed; CI runs with
/// `SNAPSHOT_TESTING_RECORD=never`, so a missing or different frame fails.
@Suite
struct FrameSnapshotTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var model: ModelKind
        var dataset: String
        var width: Int
        var height: Int
        var ascii = false
        var view = 0
        var testDescription: String { name }
        var name: String { "\(model.rawValue)-\(dataset)-\(width)x\(height)\(ascii ? "-ascii" : "")\(view > 0 ? "-view\(view + 1)" : "")" }
    }

    static let iterations = 150

    /// A handful of whole screens from trained models: every model once, both sizes, ASCII, a
    /// second view, an energy target. Widgets are covered piece by piece in `WidgetTests`.
    static let cases: [Case] = [
        Case(model: .realnvp, dataset: "8gaussians", width: 160, height: 48),
        Case(model: .glow, dataset: "moons", width: 80, height: 24),
        Case(model: .nsf, dataset: "8gaussians", width: 160, height: 48),
        Case(model: .ffjord, dataset: "rings", width: 120, height: 40, view: 1),
        Case(model: .rad, dataset: "checkerboard", width: 160, height: 48, ascii: true),
        Case(model: .ctf, dataset: "u1", width: 160, height: 48),
        Case(model: .glf, dataset: "moons", width: 160, height: 48),
        Case(model: .realnvp, dataset: "u1", width: 80, height: 24),
    ]

    @Test(arguments: cases)
    func explorerFrame(_ c: Case) throws {
        var o = HeadlessExplorer.Options(model: c.model, dataset: c.dataset, iterations: Self.iterations,
                                         size: Size(width: c.width, height: c.height))
        o.capabilities = c.ascii ? .ascii : .full
        o.specialIndex = c.view
        let frame = try HeadlessExplorer.frame(o)
        assertSnapshot(of: frame.text, as: .lines, named: c.name)
    }

    @Test func sameArgumentsSameFrameByteForByte() throws {
        var o = HeadlessExplorer.Options(model: .glow, dataset: "moons", iterations: 40, size: Size(width: 100, height: 30))
        o.seed = 9
        let a = try HeadlessExplorer.frame(o), b = try HeadlessExplorer.frame(o)
        #expect(a == b && a.ansi == b.ansi)
        o.seed = 10
        #expect(try HeadlessExplorer.frame(o) != a)
    }

    @Test func helpOverlayIsDrawnOverTheFrame() throws {
        var o = HeadlessExplorer.Options(model: .realnvp, dataset: "moons", iterations: 0, size: Size(width: 80, height: 24))
        o.showHelp = true
        let text = try HeadlessExplorer.frame(o).text
        #expect(text.contains("FlowLab keys"))
        #expect(text.contains("pause / resume training"))
    }
}

/// The README's sample frame is whatever `flowlab render` prints for its documented arguments.
struct READMEFrameTests {
    @Test func sampleFrameIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let stored = try String(contentsOf: root.appendingPathComponent("assets/sample-frame.txt"), encoding: .utf8)
        var o = HeadlessExplorer.Options(model: .realnvp, dataset: "moons", iterations: 600, size: Size(width: 100, height: 30))
        o.capabilities = .ascii
        #expect(try HeadlessExplorer.frame(o).text + "\n" == stored,
                "regenerate: flowlab render --model realnvp --dataset moons --iters 600 --size 100x30 --ascii > assets/sample-frame.txt")
    }

    /// The README's SVG frames, with the arguments named next to them in the README.
    @Test(arguments: [("nsf-8gaussians", ModelKind.nsf, "8gaussians", 0), ("glow-moons-latent", .glow, "moons", 1)])
    func svgFrameIsCurrent(_ name: String, _ model: ModelKind, _ dataset: String, _ view: Int) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let stored = try String(contentsOf: root.appendingPathComponent("assets/frames/\(name).svg"), encoding: .utf8)
        var o = HeadlessExplorer.Options(model: model, dataset: dataset, iterations: 1500, size: Size(width: 120, height: 36))
        o.specialIndex = view
        #expect(SVGFrame().render(try HeadlessExplorer.frame(o)) == stored,
                "regenerate: flowlab render --model \(model.rawValue) --dataset \(dataset) --iters 1500 --size 120x36 --view \(view + 1) --format svg > assets/frames/\(name).svg")
    }
}
