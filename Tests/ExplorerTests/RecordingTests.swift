import Testing
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import FlowApp
import FlowModels
import FlowRender

/// Recording (asciicast v2) and SVG frames: both must reproduce what the explorer shows.
@MainActor
struct RecordingTests {
    /// Replays asciicast output the way a terminal would (cursor moves, clears, printable
    /// characters; SGR sequences ignored) and returns the screen's text.
    static func replay(_ events: [String], width: Int, height: Int) -> String {
        var screen = [[Character]](repeating: [Character](repeating: " ", count: width), count: height)
        var (x, y) = (0, 0)
        for data in events {
            var it = Array(data.unicodeScalars)[...]
            while let u = it.popFirst() {
                if u == "\u{1B}", it.first == "[" {
                    it.removeFirst()
                    var params = ""
                    while let c = it.popFirst() {
                        if c.properties.isAlphabetic {
                            let nums = params.split(separator: ";").map { Int($0) ?? 1 }
                            if c == "H" { y = (nums.first ?? 1) - 1; x = (nums.count > 1 ? nums[1] : 1) - 1 }
                            if c == "J" { screen = screen.map { $0.map { _ in " " } } }
                            break
                        }
                        params.unicodeScalars.append(c)
                    }
                } else if u == "\n" {
                    y += 1; x = 0
                } else if y < height, x < width {
                    screen[y][x] = Character(u); x += 1
                }
            }
        }
        return screen.map { String($0) }.joined(separator: "\n")
    }

    @Test func aRecordedCastParsesAndEndsOnTheExplorersLastFrame() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-\(getpid()).cast").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let backend = ScriptedBackend(size: Size(width: 90, height: 28))
        let recorder = try CastRecorder(recording: backend, to: path)
        let loop = ExplorerLoop(model: .realnvp, dataset: "moons", seed: 2, backend: recorder, datasetCycle: ["moons"])
        loop.start()
        backend.events = [.key("?"), .key("?"), .key("l"), .resize(Size(width: 80, height: 24)), .key("v")]
        for _ in 0..<60 { loop.turn() }
        loop.stop()
        try recorder.finish()
        #expect(!FileManager.default.fileExists(atPath: path + ".partial-\(getpid())"))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(header["version"] as? Int == 2 && header["width"] as? Int == 90 && header["height"] as? Int == 28)
        #expect(header["timestamp"] as? Int != nil)
        var output: [String] = []
        var lastTime = -1.0
        var resized = false
        for line in lines.dropFirst() {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any])
            let t = try #require(event[0] as? Double), kind = try #require(event[1] as? String)
            #expect(t >= lastTime)
            lastTime = t
            if kind == "r" { resized = true; #expect(event[2] as? String == "80x24") }
            if kind == "o" { output.append(try #require(event[2] as? String)) }
        }
        #expect(resized && output.count >= 3)
        let last = try #require(backend.frames.last)
        #expect(Self.replay(output, width: 80, height: 24) == last.text)
    }

    @Test func svgIsWellFormedWithTheFramesSize() throws {
        var o = HeadlessExplorer.Options(model: .glow, dataset: "moons", iterations: 20, size: Size(width: 100, height: 30))
        o.seed = 4
        let frame = try HeadlessExplorer.frame(o)
        let svg = SVGFrame().render(frame)
        final class Root: NSObject, XMLParserDelegate {
            var attributes: [String: String]?
            var elements = 0
            func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) {
                if self.attributes == nil { self.attributes = attributes }
                elements += 1
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let root = Root()
        parser.delegate = root
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(root.attributes?["width"] == "800" && root.attributes?["height"] == "480")
        #expect(root.elements > 1000)  // cells drawn as shapes
        #expect(svg.contains("<circle") && svg.contains("<rect"))  // braille dots, half blocks
    }

    @Test func xtermPaletteColours() {
        #expect(SVGFrame.hex(.indexed(196)) == "#ff0000")
        #expect(SVGFrame.hex(.indexed(232)) == "#080808")
        #expect(SVGFrame.hex(.brightWhite) == "#ffffff")
    }
}
