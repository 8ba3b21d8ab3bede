import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension SweepEndToEndTests {
    @Suite("A trial process outlives the reader of its progress lines")
    struct TrialProcessPipe {
        /// A prepared run folder as a sweep leaves it: `config.yaml` of a 30-step tiny run from scratch.
        private func prepareRunFolder(in folder: SweepFolder) throws -> URL {
            let dir = folder.url.appendingPathComponent("trial")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data("""
                model: tiny
                dataset: synthetic:b
                cutoff_len: 16
                eval_tokens: 512
                per_device_train_batch_size: 4
                max_steps: 30
                eval_steps: 10
                logging_steps: 1
                output_dir: \(dir.path)

                """.utf8).write(to: dir.appendingPathComponent("config.yaml"))
            return dir
        }

        /// What a SIGKILLed sweep does to its children: the read end of their stdout pipe goes
        /// away while they train. A child must then notice and stop with a checkpoint (or finish),
        /// never die of SIGPIPE on its next progress line, losing the steps since its last checkpoint.
        @Test("run-trial whose progress pipe is closed by its reader is not killed by SIGPIPE and leaves its status")
        func closedProgressPipe() async throws {
            let folder = try SweepFolder()
            defer { folder.remove() }
            let dir = try prepareRunFolder(in: folder)
            let process = Process()
            process.executableURL = try RewarmCommand.requireExecutable()
            process.arguments = ["run-trial", dir.path]
            process.standardInput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            // When the reader takes the first progress line and then closes its end
            var first = Data()
            while !first.contains(UInt8(ascii: "\n")) {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                first.append(chunk)
            }
            #expect(String(decoding: first, as: UTF8.self).contains("\"kind\":\"start\""))
            try pipe.fileHandleForReading.close()
            let ended = try await waitUntil(timeout: 60) { !process.isRunning }
            try #require(ended, "run-trial did not end")
            // Then it ended by itself, not by a signal, and recorded how far it got
            let signaled = process.terminationReason == .uncaughtSignal
            #expect(!signaled, "run-trial was killed by signal \(process.terminationStatus) (SIGPIPE is \(SIGPIPE))")
            let state = RunFolder.statusState(dir)
            #expect(state == "completed" || state == "stopped", "status.json state: \(String(describing: state)); log: \(RunFolder.logLines(dir))")
        }
    }
}
