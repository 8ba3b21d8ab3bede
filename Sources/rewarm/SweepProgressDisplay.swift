import Foundation
import RewarmReport
import RewarmStore
import RewarmSweep

/// The live view of a sweep: an overall bar with ETA and one line per running trial (redrawn in
/// place on a terminal; plain log lines when the output is a file or a pipe).
final class SweepProgressDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive = isatty(1) == 1
    private var total = 0
    private var finished = 0
    private var running: [String: (label: String, progress: TrialProcess.Progress?)] = [:]
    private var order: [String] = []
    private var drawnLines = 0
    private var start = Date()
    private var stepsDone = 0.0
    private var stepsTotal = 0.0
    private var lastStep: [String: Int] = [:]
    private var lastDraw = Date.distantPast

    init(jobs _: Int) {}

    func handle(_ event: SweepEvent) {
        lock.withLock { apply(event) }
    }

    private func apply(_ event: SweepEvent) {
        switch event {
        case .planned(let trials, let done, let toRun, let cached):
            total = trials
            finished = done
            start = Date()
            log("\(trials) trials: \(done) done, \(toRun) to run"
                + (cached ? "" : "; the base model is pre-trained first"))
        case .baseStarted(let dir, let maxSteps):
            log("pre-training the base (\(maxSteps) steps): \(dir)")
        case .baseProgress(let p):
            if p.kind == "eval" {
                log(String(format: "  base step %d/%d | loss %@", p.step, p.maxSteps, Console.loss(p.downstreamLoss)))
            }
        case .baseFinished(let s):
            log("base \(s.state.rawValue)" + (s.error.map { ": \($0)" } ?? ""))
        case .trialStarted(let id, let label):
            running[id] = (label, nil)
            order.append(id)
            if !interactive { log("start \(id) \(label)") }
        case .trialProgress(let id, let p):
            if p.kind == "start" { stepsTotal += Double(p.maxSteps - p.step) }
            if p.kind == "step" || p.kind == "eval" {
                stepsDone += Double(p.step - (lastStep[id] ?? p.step))
                lastStep[id] = p.step
            } else if p.kind == "start" {
                lastStep[id] = p.step
            }
            if var r = running[id] {
                if p.kind != "step" || r.progress == nil || r.progress?.kind == "step" { r.progress = p }
                else { r.progress?.step = p.step }
                running[id] = r
            }
            if !interactive, p.kind == "eval" {
                log("  \(id) step \(p.step)/\(p.maxSteps) | down \(Console.loss(p.downstreamLoss)) "
                    + "| up \(Console.loss(p.upstreamLoss))")
            }
        case .trialFinished(let id, let label, let status):
            running[id] = nil
            order.removeAll { $0 == id }
            finished += 1
            log("\(status.state.rawValue) \(id) \(label)" + (status.error.map { ": \($0)" } ?? "")
                + " [\(finished)/\(total)]")
        case .slurmSubmitted(let job, let tasks, let script):
            log(tasks == 0 ? "submitted the base as Slurm job \(job): \(script)"
                : "submitted \(tasks) trial\(tasks == 1 ? "" : "s") as Slurm array job \(job): \(script)")
        case .slurmFollowing(let job, let tasks):
            log(tasks == 0 ? "following the base's Slurm job \(job)"
                : "following Slurm array job \(job) (\(tasks) trials still queued or running)")
        }
        redraw()
    }

    private var etaText: String {
        guard stepsDone > 0, stepsTotal > stepsDone else { return "" }
        let elapsed = Date().timeIntervalSince(start)
        return " | ETA " + Console.duration(elapsed / stepsDone * (stepsTotal - stepsDone))
    }

    /// Prints a line above the live block.
    private func log(_ line: String) {
        clear()
        print(line)
        Console.flush()
    }

    private func clear() {
        guard interactive, drawnLines > 0 else { return }
        print("\u{1B}[\(drawnLines)A\u{1B}[J", terminator: "")
        drawnLines = 0
    }

    private func redraw() {
        guard interactive else { return }
        clear()
        let width = 30
        let fraction = total > 0 ? Double(finished) / Double(total) : 0
        let filled = Int(fraction * Double(width))
        var lines = ["[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                     + "] \(finished)/\(total) trials" + etaText]
        for id in order {
            guard let r = running[id] else { continue }
            var text = "  \(id) \(r.label)"
            if let p = r.progress {
                text += " | step \(p.step)/\(p.maxSteps)"
                if let d = p.downstreamLoss { text += " | down \(Console.loss(d))" }
                if let u = p.upstreamLoss { text += " | up \(Console.loss(u))" }
            }
            lines.append(text)
        }
        for l in lines { print(l) }
        drawnLines = lines.count
        Console.flush()
    }

    func finish() {
        lock.withLock { clear() }
    }
}
