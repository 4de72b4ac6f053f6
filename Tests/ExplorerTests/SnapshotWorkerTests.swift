import Testing
import Foundation
@testable import FlowApp
import FlowCore
import FlowData
import FlowModels
import FlowRender

/// Snapshots built on the second core, from a replica holding a copy of the parameters, are
/// exactly the snapshots built inline from the live model — for every model, mid-training,
/// with the scrubber and the probe on.
struct SnapshotWorkerTests {
    final class Inbox: @unchecked Sendable {
        private let lock = NSLock()
        private var snaps: [ModelSnapshot] = []
        func put(_ s: ModelSnapshot, run: Int) { lock.lock(); snaps.append(s); lock.unlock() }
        func wait(seconds: Double = 60) -> ModelSnapshot? {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                lock.lock(); let s = snaps.last; lock.unlock()
                if let s { return s }
                Thread.sleep(forTimeInterval: 0.005)
            }
            return nil
        }
    }

    @Test(arguments: ModelKind.allCases)
    func threadedSnapshotsEqualInlineOnes(_ kind: ModelKind) throws {
        var config = ModelConfig.defaults(for: kind)
        config.seed = 4
        let session = TrainingSession(model: try ModelFactory.make(config), dataset: try Dataset(name: "moons"))
        for _ in 0..<3 { session.step() }
        if let knob = session.model.knob { session.model.setKnob(min(knob.range.upperBound, knob.value * 1.5)) }
        let geometry = ExplorerLayout(size: Size(width: 100, height: 30)).geometry
        let probe = Point2(0.3, -0.2)
        let target = TargetField.compute(session.dataset, pixels: geometry.targetPixels, box: session.dataset.viewBox)
        let inline = SnapshotBuilder.build(session: session, geometry: geometry, target: target, lossHistory: [2, 1],
                                           lastLoss: 1, itersPerSecond: nil, specialIndex: 1, event: nil,
                                           scrubbing: true, probe: probe)

        let status = SnapshotBuilder.status(session: session, target: nil, lossHistory: [2, 1], lastLoss: 1,
                                            itersPerSecond: nil, event: nil, figures: [:])
        let request = SnapshotRequest(run: 1, session: session, status: status, geometry: geometry, specialIndex: 1,
                                      scrubbing: true, probe: probe, complete: true,
                                      measuresEnergyDistance: false)
        let inbox = Inbox()
        let worker = SnapshotWorker(geometry: geometry, threaded: true, publish: inbox.put)
        defer { worker.stop() }
        // Training goes on after the hand-over: the copy must not see it.
        worker.submit(request)
        for _ in 0..<2 { session.step() }
        let threaded = try #require(inbox.wait())
        let fields: [(String, Bool)] = [
            ("density", threaded.density == inline.density), ("samples", threaded.samples == inline.samples),
            ("view", threaded.special == inline.special), ("scrub", threaded.scrub == inline.scrub),
            ("probe", threaded.probe == inline.probe), ("test NLL", threaded.testNLL == inline.testNLL),
            ("controls", threaded.controls == inline.controls),
        ]
        #expect(fields.filter { !$0.1 }.map(\.0) == [])
        #expect(fields.allSatisfy(\.1) ? threaded == inline : true)
    }
}
