import ArgumentParser
import Foundation
import RewarmEngine

/// `rewarm blas-probe`: checks and times the BLAS kernels this process loaded (one JSON line).
/// Used by the kernel selection in child processes; handy by hand with OPENBLAS_CORETYPE set.
struct BLASProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blas-probe",
        abstract: "Check the loaded BLAS kernels against a naive product and time sgemm (JSON).")

    @Option(help: "Seconds of timed products.") var seconds: Double = 0.25

    func run() throws {
        let result = BLASProbe.run(seconds: seconds)
        let data = try JSONEncoder().encode(result)
        print(String(decoding: data, as: UTF8.self))
    }
}
