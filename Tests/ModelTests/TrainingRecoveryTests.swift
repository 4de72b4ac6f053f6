import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// Issue 16 items 8-11: training that goes wrong is noticed, reported truthfully and recovered.
struct TrainingRecoveryTests {
    static func session(_ kind: ModelKind = .realnvp, lr: Float = 2e-3) throws -> TrainingSession {
        var c = FlowModelTests.config(kind)
        c.learningRate = lr
        c.cosineDecay = false  // as in the explorer
        return TrainingSession(model: try ModelFactory.make(c), dataset: .toy(.eightGaussians))
    }

    @Test func reportedRateIsTheHalvedRate() throws {
        // Item 8: the step that halves the rate reports the new rate (was: the old one).
        let s = try Self.session(lr: 1)
        for _ in 0..<2 { s.step() }
        s.model.parameters[0].value.storage[0] = .nan
        let m = s.step()
        #expect(m.recoveredFromNonFinite)
        #expect(s.baseLearningRate == 0.5)
        #expect(m.learningRate == 0.5)
    }

    @Test func halvingStopsAtTheFloor() throws {
        // Item 9: repeated failures never push the rate below the `-` key's floor.
        let s = try Self.session(lr: 1e-5)
        for _ in 0..<40 {
            s.model.parameters[0].value.storage[0] = .nan
            s.step()
        }
        #expect(s.baseLearningRate == TrainingSession.minimumLearningRate)
        #expect(s.nonFiniteEvents == 40)
    }

    @Test(arguments: [ModelKind.realnvp, .glow])
    func explodingFiniteLossIsRecovered(_ kind: ModelKind) throws {
        // Items 9-10: at lr 1 the loss climbs to 1e10 (Real NVP) or 5e22 (Glow) without NaN.
        let s = try Self.session(kind, lr: 1)
        var losses: [Double] = []
        for _ in 0..<150 { losses.append(s.step().loss) }
        #expect(s.nonFiniteEvents >= 1)
        #expect(s.baseLearningRate < 1)
        let tail = losses.suffix(30)
        #expect(tail.allSatisfy { $0.isFinite && $0 < 100 }, "\(kind): last losses \(Array(tail))")
    }

    @Test func healthyTrainingIsUntouched() throws {
        let s = try Self.session()
        for _ in 0..<200 { s.step() }
        #expect(s.nonFiniteEvents == 0)
        #expect(s.baseLearningRate == 2e-3)
    }

    @Test func hugeCSVScalesAreStandardisedAndFlatColumnsRefused() throws {
        // Item 11: finite values near 1e30 trained to 20/20 non-finite steps and exit 0. Now the
        // data's standardisation (part of the model) takes any scale to the toy box.
        let dir = FileManager.default.temporaryDirectory
        let big = dir.appendingPathComponent("flowlab-scale-\(getpid()).csv").path
        let flat = dir.appendingPathComponent("flowlab-flat-\(getpid()).csv").path
        defer { try? FileManager.default.removeItem(atPath: big); try? FileManager.default.removeItem(atPath: flat) }
        try (0..<50).map { "\(Double($0) * 1e29),\(-Double($0) * 2e28)" }.joined(separator: "\n").write(toFile: big, atomically: true, encoding: .utf8)
        try (0..<50).map { "\($0),3" }.joined(separator: "\n").write(toFile: flat, atomically: true, encoding: .utf8)
        let data = try Dataset(name: "csv:" + big)
        var c = ModelConfig.defaults(for: .realnvp, dataset: data)
        c.layers = 2
        c.hidden = [16]
        c.iterations = 20
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: data)
        for _ in 0..<20 { s.step() }
        #expect(s.nonFiniteEvents == 0)
        #expect(Evaluation.testNLL(s.model, dataset: data)?.isFinite == true)
        do { _ = try Dataset(name: "csv:" + flat); Issue.record("accepted") } catch let e as DatasetError {
            #expect(e.message.contains("every point has column 2 = 3.0"), "\(e.message)")
        }
    }
}
