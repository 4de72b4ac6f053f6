import Testing
import Foundation
@testable import FlowApp
import FlowData
import FlowModels

/// The timeline costs under 5 % of training speed: one captured state per 50 iterations.
struct TimelineCostTests {
    @Test(arguments: [ModelKind.realnvp, .nsf])
    func recordingCostsUnderFivePercent(_ kind: ModelKind) throws {
        let data = try Dataset(name: "moons")
        var c = ModelConfig.defaults(for: kind, dataset: data)
        c.cosineDecay = false
        let session = TrainingSession(model: try ModelFactory.make(c), dataset: data)
        for _ in 0..<20 { session.step() }
        var t0 = Date()
        for _ in 0..<100 { session.step() }
        let perStep = Date().timeIntervalSince(t0) / 100
        var timeline = Timeline()
        t0 = Date()
        for i in 0..<40 {
            var e = Timeline.capture(session, loss: 1, historyCount: i)
            e.iteration = i  // distinct states
            timeline.record(e)
        }
        let perCapture = Date().timeIntervalSince(t0) / 40
        let overhead = perCapture / (Double(Timeline.interval) * perStep)
        print("timeline \(kind.rawValue): step \(String(format: "%.3f", perStep * 1e3)) ms, capture \(String(format: "%.3f", perCapture * 1e3)) ms, overhead \(String(format: "%.2f", overhead * 100)) %, \(timeline.bytes / timeline.entries.count) bytes/state")
        #expect(overhead < 0.05)
        #expect(timeline.bytes <= Timeline.capacityBytes)
    }
}
