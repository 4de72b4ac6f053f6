import Testing
import Foundation
import FlowApp
import FlowCore
import FlowData
import FlowModels
import FlowRender

/// Drawn where it is: a CSV in its own units (here around (3.5, 70) "minutes") fills every panel.
struct CSVExplorerTests {
    static func geyserCSV(_ name: String) throws -> String {
        var rng = Xoshiro256(seed: 7)
        var lines = ["\"\",\"eruptions\",\"waiting\""]
        for i in 0..<220 {
            let long = i % 3 != 0
            let e = (long ? 4.3 : 2.0) + 0.35 * rng.normal(), w = (long ? 80.0 : 54.0) + 5.5 * rng.normal()
            lines.append("\"\(i + 1)\",\(i % 50 == 3 ? "NA" : String(e)),\(w)")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-ex-\(getpid())-\(name).csv").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func inner(_ frame: Frame, _ panel: Rect) -> String {
        let r = Panel.inner(panel)
        var s = ""
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { s.append(frame[x, y].symbol) } }
        return s
    }

    @Test func everyPanelShowsTheDataWithCornersAndColumnNames() throws {
        let path = try Self.geyserCSV("frame")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let size = Size(width: 120, height: 36)
        let o = HeadlessExplorer.Options(model: .realnvp, dataset: "csv:" + path, iterations: 60, size: size)
        let frame = try HeadlessExplorer.frame(o)
        let layout = ExplorerLayout(size: size)
        let dots = { (s: String) in s.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }.count }
        #expect(dots(Self.inner(frame, layout.samples)) > 100)   // samples in view, not off-box
        #expect(dots(Self.inner(frame, layout.special)) > 100)   // the transport view too
        let text = frame.text
        #expect(text.contains("eruptions →, waiting ↑"))
        let box = try Dataset(name: "csv:" + path).viewBox
        #expect(text.contains(" \(ViewBox.format(box.minX)),\(ViewBox.format(box.minY)) "))
        #expect(text.contains("Columns  eruptions, waiting"))
        #expect(text.contains("Skipped  5 rows (NA)"))
        #expect(text.contains("TrainNLL") && text.contains("Held NLL"))
    }

    @Test func targetAndDensityAreComputedOverTheDataBox() throws {
        let path = try Self.geyserCSV("fields")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = try Dataset(name: "csv:" + path)
        let px = Size(width: 60, height: 40)
        let finite = { (f: FieldGrid) in f.logValues.filter(\.isFinite).count }
        #expect(finite(TargetField.compute(data, pixels: px, box: data.viewBox)) > 100)
        #expect(finite(TargetField.compute(data, pixels: px, box: 4)) == 0)  // what the fixed box showed
        var c = ModelConfig.defaults(for: .realnvp, dataset: data)
        c.layers = 2; c.hidden = [16]
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: data)
        for _ in 0..<50 { s.step() }
        let (field, _) = SnapshotBuilder.density(s.model, pixels: Size(width: 60, height: 40), box: data.viewBox)
        let top = try #require(field).logValues.max()!
        #expect(top > -8, "max log p \(top)")  // the density's mass is inside the drawn box
    }
}
