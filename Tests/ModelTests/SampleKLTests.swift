import Testing
import Foundation
import FlowCore
import FlowData
@testable import FlowModels

/// The one sample-KL estimator: near zero for an exact sampler, large for a wrong one.
struct SampleKLTests {
    @Test(arguments: [Dataset.toy(.eightGaussians), .toy(.checkerboard), .energy(.u1), .energy(.u4)])
    func exactSamplerScoresNearZeroAndABroadGaussianDoesNot(_ d: Dataset) throws {
        let exact = try #require(SampleKL.estimate(dataset: d) { n, rng in d.sample(count: n, using: &rng) })
        #expect(exact < 0.03, "\(d.name): exact sampler \(exact)")
        let broad = try #require(SampleKL.estimate(dataset: d) { n, rng in rng.normalMatrix(rows: n, cols: 2).map { 2 * $0 } })
        #expect(broad > 0.3, "\(d.name): broad Gaussian \(broad)")
    }

    @Test func notDefinedForACSV() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowlab-skl-\(getpid()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (0..<50).map { "\($0),\($0 % 7)" }.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let d = try Dataset(name: "csv:" + path)
        #expect(SampleKL.estimate(dataset: d) { n, _ in Matrix(rows: n, cols: 2) } == nil)
    }
}
