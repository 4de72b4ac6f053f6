#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, platform-neutral wrappers over the C math library used by scalar paths.
extension Float {
    @inline(__always) package static func expCompat(_ x: Float) -> Float { expf(x) }
    @inline(__always) package static func logCompat(_ x: Float) -> Float { logf(x) }
    @inline(__always) package static func log1pCompat(_ x: Float) -> Float { log1pf(x) }
}

/// `√x` as LLVM's `llvm.sqrt.f32` intrinsic. `Float.squareRoot()` on Linux goes through the C
/// library's `sqrtf`, whose `errno` contract keeps loops scalar (a compare, a branch and a
/// possible call per element); the intrinsic has no side effects, so a loop over it becomes
/// `vsqrtps`. It returns the correctly rounded square root, the same value as `squareRoot()`
/// (NaN for negative inputs).
@_silgen_name("llvm.sqrt.f32")
package func vectorizableSquareRoot(_ x: Float) -> Float

extension Double {
    @inline(__always) package static func expCompat(_ x: Double) -> Double { exp(x) }
    @inline(__always) package static func logCompat(_ x: Double) -> Double { log(x) }
}
