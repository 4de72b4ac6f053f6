import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// RAD's training setup (`RADOptions`): the fold's initial width, the gates' rate, the trailing affine couplings, and old checkpoints keeping the behaviour they
/// were trained with.
struct RADTrainingSetupTests {
    /// The README compares RAD with Real NVP at parameter counts within 10 % of each other.
    @Test func defaultParameterCountIsWithinTenPercentOfRealNVP() throws {
        let rad = try RADModel(config: ModelConfig.defaults(for: .rad)).parameters.reduce(0) { $0 + $1.value.count }
        let nvp = try ModelFactory.make(ModelConfig.defaults(for: .realnvp)).parameters.reduce(0) { $0 + $1.value.count }
        #expect(abs(Double(rad - nvp)) <= 0.1 * Double(nvp), "rad \(rad), realnvp \(nvp)")
    }

    /// A fold starts with its breakpoints at ±foldWidth/2 of its input.
    @Test func foldStartsWithTheConfiguredWidth() throws {
        var rng = Xoshiro256(seed: 3)
        let layer = RADCoupling(activeIndex: 0, pieces: 3, hidden: [8], gateHidden: [8], activation: .tanh,
                                foldWidth: Float(3).squareRoot(), name: "l", using: &rng)
        let zz = ZigZag(raw: layer.conditioner(Variable(Matrix([[0.3]]))), pieces: 3)
        #expect(abs(zz.breaks[0].value.storage[0] + 0.866) < 1e-3 && abs(zz.breaks[1].value.storage[0] - 0.866) < 1e-3)
    }

    /// The gates learn at `gateRateScale` times the model's rate, everything else at the
    /// model's rate (one scale per parameter, in order).
    @Test func gatesGetTheirRate() throws {
        var c = ModelConfig.defaults(for: .rad)
        c.hidden = [16]
        let m = try RADModel(config: c)
        let scales = try #require(m.learningRateScales)
        #expect(scales.count == m.parameters.count && m.options.gateRateScale > 1)
        for (p, s) in zip(m.parameters, scales) {
            #expect(s == (p.name.contains(".gate") ? m.options.gateRateScale : 1), "\(p.name): \(s)")
        }
    }

    /// A checkpoint written before these options existed decodes with the behaviour it was
    /// trained with: width 0.975, trained ActNorm, the gates at the model's rate.
    @Test func oldOptionsDecodeWithTheOldBehaviour() throws {
        let json = #"{"pieces": 3, "gateHidden": [32, 32], "interleaveAffine": true, "boundaryBandwidth": 0.25, "gateSine": 4}"#
        let o = try JSONDecoder().decode(RADOptions.self, from: Data(json.utf8))
        #expect(o.foldWidth == 0.975 && o.gateRateScale == 1 && o.trailingAffine == 0)
        let back = try JSONDecoder().decode(RADOptions.self, from: JSONEncoder().encode(RADOptions()))
        #expect(back == RADOptions())
    }
}
