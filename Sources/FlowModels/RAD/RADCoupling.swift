#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// A RAD coupling layer for 2-D points (Dinh et al. 2019, §4):
///
///     z_p = x_p,   z_a = f(x_a; θ(x_p)),   k = piece of x_a,
///     log-density term:  log|f'(x_a)| + log p(k | z_a, x_p)
///
/// f is a zig-zag (piecewise invertible, surjective); the gate's logits for pieces whose image
/// does not contain z_a are masked out before the softmax, so the density stays normalised.
package final class RADCoupling: Module {
    package let activeIndex: Int
    package let pieces: Int
    package let conditioner: MLP
    package let gate: MLP

    /// A large negative logit for impossible pieces (finite, so gradients stay finite).
    static let maskedLogit: Float = -1e9

    package init<G: RandomNumberGenerator>(activeIndex: Int, pieces: Int, hidden: [Int], gateHidden: [Int],
                                          activation: Activation, name: String, using rng: inout G) {
        self.activeIndex = activeIndex
        self.pieces = pieces
        conditioner = MLP(sizes: [1] + hidden + [2 * pieces], activation: activation, name: name + ".conditioner",
                          zeroOutput: true, using: &rng)
        gate = MLP(sizes: [2] + gateHidden + [pieces], activation: activation, name: name + ".gate", zeroOutput: true, using: &rng)
        // Start with an open fold (inner pieces spanning ≈ 1 in total, so the gate has something
        // to choose) that is centred: τ = w/2 makes the tails shift by ±(≈1) symmetrically.
        let last = conditioner.layers[conditioner.layers.count - 1]
        let width = 0.975 / Double(pieces - 2)
        for j in 2..<pieces { last.bias.value.storage[j] = Float(log(expm1(width))) }
        last.bias.value.storage[1] = Float(width / 2)
    }

    package var parameters: [Variable] { conditioner.parameters + gate.parameters }

    var passiveIndex: Int { 1 - activeIndex }

    func assemble(active: Variable, passive: Variable) -> Variable {
        activeIndex == 0 ? Variable.concatColumns([active, passive]) : Variable.concatColumns([passive, active])
    }

    /// Gate log-probabilities (n × K) with invalid pieces masked.
    func gateLogProbs(z: Variable, passive: Variable, zigzag: ZigZag) -> (logp: Variable, mask: [[Bool]]) {
        let logits = gate(Variable.concatColumns([z, passive]))
        let mask = zigzag.validMask(z.value)
        var m = Matrix(rows: z.rows, cols: pieces)
        for r in 0..<z.rows { for k in 0..<pieces where !mask[r][k] { m[r, k] = RADCoupling.maskedLogit } }
        let masked = logits + Variable(m)
        return (masked - masked.logSumExpCols(), mask)
    }

    /// x → z with the layer's log-density contribution (n × 1) and the pieces used.
    package func forward(_ x: Variable) -> (z: Variable, logDensity: Variable, pieces: [Int], gateEntropy: Double) {
        let xa = x.column(activeIndex), xp = x.column(passiveIndex)
        let zigzag = ZigZag(raw: conditioner(xp), pieces: pieces)
        let (za, logSlope, which) = zigzag.forward(xa)
        let (logp, _) = gateLogProbs(z: za, passive: xp, zigzag: zigzag)
        var onehot = Matrix(rows: x.rows, cols: pieces)
        for r in 0..<x.rows { onehot[r, which[r]] = 1 }
        let chosen = (logp * Variable(onehot)).sumCols()
        // Entropy of the masked gate, a collapse diagnostic (values only).
        var entropy = 0.0
        for r in 0..<x.rows {
            for k in 0..<pieces {
                let lp = Double(logp.value[r, k])
                if lp > -50 { entropy -= exp(lp) * lp }
            }
        }
        return (assemble(active: za, passive: xp), logSlope + chosen, which, entropy / Double(max(x.rows, 1)))
    }

    /// Ancestral inverse: k ~ p(k | z_a, x_p) among valid pieces, then x_a = f_k⁻¹(z_a).
    package func inverse<G: RandomNumberGenerator>(_ z: Matrix, using rng: inout G) -> Matrix {
        let za = Variable(z.column(activeIndex)), xp = Variable(z.column(passiveIndex))
        let zigzag = ZigZag(raw: conditioner(xp), pieces: pieces)
        let (logp, _) = gateLogProbs(z: za, passive: xp, zigzag: zigzag)
        let chosen = (0..<z.rows).map { r in
            rng.categorical((0..<pieces).map { exp(Double(logp.value[r, $0])) })
        }
        let xa = zigzag.inverse(za.value, pieces: chosen)
        return assemble(active: Variable(xa), passive: xp).value
    }

    /// The piece of each row (the layer's discrete latent), values only.
    package func regions(_ x: Matrix) -> (z: Matrix, pieces: [Int]) {
        let r = forward(Variable(x))
        return (r.z.value, r.pieces)
    }
}
