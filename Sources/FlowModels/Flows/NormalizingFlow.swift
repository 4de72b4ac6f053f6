#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// A normalizing flow with a standard normal base:
///
///     log p(x) = log N(f(x); 0, I) + log|det ∂f/∂x|,      x = f⁻¹(z), z ~ N(0, I).
package final class NormalizingFlow: Module {
    package let transform: ComposedBijector

    package init(_ steps: [any Bijector]) { transform = ComposedBijector(steps) }

    package var parameters: [Variable] { transform.parameters }

    /// `log N(z; 0, I)` row-wise for 2-D z: `−½‖z‖² − log 2π`.
    package static func standardNormalLogProb(_ z: Variable) -> Variable {
        z.square().sumCols().scaled(by: -0.5).shifted(by: -Float(z.cols) * 0.5 * Float(log(2 * Double.pi)))
    }

    /// Differentiable per-row log-density, `n × 1`.
    package func logProb(_ x: Variable) -> Variable {
        let (z, ld) = transform.forward(x)
        return NormalizingFlow.standardNormalLogProb(z) + ld
    }

    /// Samples with their log-density: `x = f⁻¹(z)`, `log q(x) = log N(z) − log|det ∂x/∂z|`.
    func sampleWithLogProb(_ z: Variable) -> (x: Variable, logProb: Variable) {
        let (x, ld) = transform.inverse(z)
        return (x, NormalizingFlow.standardNormalLogProb(z) - ld)
    }
}
