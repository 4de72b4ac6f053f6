import Testing
import Foundation
import ArgumentParser
import FlowCore
import FlowData
import FlowModels
@testable import flowlab

/// `train --dataset csv:…` builds its configuration from the loaded file: the data's own
/// standardisation (any units) and, below 1000 training rows, the small-data sizes. A session
/// configured before the file was read had neither.
struct CSVDefaultsTests {
    static func writeCSV(rows: Int, scale: (Double, Double), shift: (Double, Double)) throws -> String {
        var rng = Xoshiro256(seed: 3)
        var text = "x,y\n"
        for _ in 0..<rows {
            text += "\(shift.0 + scale.0 * rng.normal()),\(shift.1 + scale.1 * rng.normal())\n"
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-csv-\(rows)-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func options(_ args: [String]) throws -> ModelOptions {
        let cmd = try #require(try FlowLab.parseAsRoot(["train"] + args) as? TrainCommand)
        return cmd.options
    }

    @Test func csvSessionsCarryTheFilesStandardisation() throws {
        let path = try Self.writeCSV(rows: 2000, scale: (50, 0.001), shift: (1000, 0))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let session = try Self.options(["--dataset", "csv:\(path)"]).makeSession()
        let s = try #require(session.model.config.standardization)
        // Centred on the data and scaled to its spread (x: 1000 ± 50), not the identity.
        #expect(abs(s.shift[0] - 1000) < 10 && (10...1000).contains(s.scale[0]) && s.scale[1] < 1)
    }

    @Test func smallCSVsGetTheSmallDataSizesUnlessFlagsSayOtherwise() throws {
        let path = try Self.writeCSV(rows: 300, scale: (1, 1), shift: (0, 0))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let small = try Self.options(["--model", "nsf", "--dataset", "csv:\(path)"]).makeSession()
        #expect(small.model.config.hidden == [32, 32] && small.model.config.layers == 4)
        let explicit = try Self.options(["--model", "nsf", "--dataset", "csv:\(path)", "--hidden", "64-64"]).makeSession()
        #expect(explicit.model.config.hidden == [64, 64])
    }
}
