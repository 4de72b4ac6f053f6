import Testing
import Foundation
@testable import flowlab

/// `eval --terms`, `render --scrub/--probe/--lesson` through the real binary and the parser.
struct InspectionCLITests {
    static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/flowlab").path
    }

    static func run(_ args: [String]) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: ["rad", "realnvp"])
    func evalTermsAddUpToLogp(_ model: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-terms-\(getpid())-\(model)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ckpt = dir.appendingPathComponent("m.json").path, pts = dir.appendingPathComponent("p.csv").path
        try "x,y\n0.5,0.25\n-1,2\n3,-3\n0,0\n".write(toFile: pts, atomically: true, encoding: .utf8)
        #expect(try Self.run(["train", "--model", model, "--dataset", "moons", "--iters", "30", "--save", ckpt]).status == 0)
        let (status, out) = try Self.run(["eval", ckpt, "--points", pts, "--terms"])
        #expect(status == 0)
        let lines = out.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(lines.count == 5 && lines[0].prefix(3) == ["x", "y", "logp"] && lines[0].count > 4)
        #expect(lines[0].contains("logN_z"))
        for row in lines.dropFirst() {
            let v = row.compactMap(Double.init)
            #expect(v.count == lines[0].count)
            #expect(abs(v[3...].reduce(0, +) - v[2]) < 1e-4, "\(row)")
        }
    }

    @Test func badScrubAndProbeAreUsageErrors() {
        #expect(failure(["render", "--scrub", "1.5"])?.code == 64)
        #expect(failure(["render", "--probe", "1"])?.message.contains("--probe must look like X,Y") == true)
        #expect(failure(["render", "--scrub", "0.5", "--probe", "1,-2"]) == nil)
    }
}
