/// How values move between nodes, loop frames and iterations.
extension DataflowExecutor {
    /// Delivers a node's outputs (`output(i)`, `nil` where dead) to the nodes that read them in
    /// `iteration` of `frame`, and queues those that have all they wait for. Returns how many it
    /// queued.
    @inline(__always)
    func activate(_ source: Int, _ node: DataflowTable.Node, isDead: Bool, frame: FrameState,
                  iteration: IterationState, output: (DataflowTable.Edge) -> Tensor?) -> Int {
        var activated = 0
        for edge in table.edges[node.firstEdge..<node.endEdge] {
            let target = table.nodes[edge.target]
            let id = target.local
            let value = output(edge)
            let isLive = value != nil
            var targetIsDead: Bool, isReady: Bool
            if target.isMerge {
                if isLive {
                    let count = iteration.pending[id]
                    // Bit 0 set: no live input has arrived yet. Only the first one counts.
                    if count & 1 == 1 {
                        iteration.inputs[target.inputBase + edge.input] = consume value
                        iteration.pending[id] = count & ~1
                    }
                    (targetIsDead, isReady) = (false, count == 1)
                } else {
                    iteration.deadCounts[id] += 1
                    // A dead Enter kills its loop's Merge: the loop sits on an untaken branch.
                    targetIsDead = Int(iteration.deadCounts[id]) == target.inputCount || node.role == .enterFrame
                    isReady = iteration.pending[id] == 1 && targetIsDead
                }
            } else {
                iteration.inputs[target.inputBase + edge.input] = consume value
                iteration.pending[id] -= 1
                if !isLive { iteration.deadCounts[id] += 1 }
                (targetIsDead, isReady) = (iteration.deadCounts[id] > 0, iteration.pending[id] == 0)
            }
            if isReady { queue(edge.target, isDead: targetIsDead, frame: frame, iteration: iteration) }
            activated += isReady ? 1 : 0
        }
        for targetIndex in table.controlTargets[node.firstControl..<node.endControl] {
            let target = table.nodes[targetIndex]
            let id = target.local
            var targetIsDead: Bool, isReady: Bool
            if target.isMerge {
                iteration.pending[id] -= 2
                targetIsDead = Int(iteration.deadCounts[id]) == target.inputCount
                isReady = iteration.pending[id] == 0 || (iteration.pending[id] == 1 && targetIsDead)
            } else {
                iteration.pending[id] -= 1
                if isDead { iteration.deadCounts[id] += 1 }
                (targetIsDead, isReady) = (iteration.deadCounts[id] > 0, iteration.pending[id] == 0)
            }
            if isReady {
                queue(targetIndex, isDead: targetIsDead && target.role != .trigger, frame: frame, iteration: iteration)
            }
            activated += isReady ? 1 : 0
        }
        return activated
    }

    private func queue(_ item: Int, isDead: Bool, frame: FrameState, iteration: IterationState) {
        ready.push(ReadyNode(item: item, isDead: isDead, frame: .passUnretained(frame),
                             iteration: .passUnretained(iteration)))
    }

    /// Ends a node's run in `iteration`, which it has just added `activated` ready nodes to.
    func finish(_ frame: FrameState, _ iteration: IterationState, activated: Int) {
        adjust(frame, iteration, by: activated - 1)
    }

    func enter(_ index: Int, _ node: DataflowTable.Node, value: inout Tensor?, frame: FrameState,
               iteration: IterationState) {
        let child = childFrame(node.childFrame, of: frame, iteration: iteration)
        child.pendingEnters -= 1
        if node.entersConstant {
            child.addInvariant(item: index, value: value)
            // Every live iteration gets the value before any of them may end, as in TensorFlow.
            let live = child.liveIterations
            for iteration in live {
                iteration.outstandingOps += activate(index, node, isDead: value == nil, frame: child,
                                                     iteration: iteration) { _ in value }
            }
            if let oldest = live.first { adjust(child, oldest, by: 0) }
        } else if let first = child.iteration(0) {
            adjust(child, first, by: activate(index, node, isDead: value == nil, frame: child, iteration: first) {
                $0.isLastReader ? value.take() : value
            })
        }
    }

    func passToNextIteration(_ index: Int, _ node: DataflowTable.Node, value: consuming Tensor, frame: FrameState,
                             iteration: IterationState) {
        let next: IterationState
        if iteration.number < frame.iterationCount {
            next = frame.iteration(iteration.number + 1)!
        } else if frame.canStartIteration {
            next = startIteration(of: frame)
        } else {
            frame.deferredNexts.append((index, value))
            return
        }
        var value: Tensor? = value
        adjust(frame, next, by: activate(index, node, isDead: false, frame: frame, iteration: next) {
            $0.isLastReader ? value.take() : value
        })
    }

    // MARK: Frames and iterations

    /// A fresh iteration of plan frame `frame`: a finished one reused, or a new one.
    func newIteration(_ number: Int, in frame: Int) -> IterationState {
        if let spare = spareIterations[frame].popLast() {
            spare.reuse(as: number, pending: plan.frames[frame].initialPending)
            return spare
        }
        return IterationState(number: number, inputCount: plan.frames[frame].inputCount,
                              pending: plan.frames[frame].initialPending)
    }

    /// The execution of loop frame `index` that `iteration` of `frame` entered, started on first use.
    private func childFrame(_ index: Int, of frame: FrameState, iteration: IterationState) -> FrameState {
        if let child = iteration.childFrames[index] { return child }
        let info = plan.frames[index].info
        let child = FrameState(frame: index, parent: frame, parentIteration: iteration,
                               parallelIterations: info.parallelIterations, enters: info.enterCount,
                               first: newIteration(0, in: index))
        iteration.childFrames[index] = child
        return child
    }

    /// Starts the next iteration of `frame`, giving it the loop's invariants and any deferred
    /// NextIteration values.
    private func startIteration(of frame: FrameState) -> IterationState {
        let iteration = newIteration(frame.iterationCount + 1, in: frame.frame)
        frame.startIteration(iteration)
        var activated = 0
        let deferred = frame.deferredNexts
        if !deferred.isEmpty { frame.deferredNexts.removeAll() }
        for (item, value) in deferred {
            activated += activate(item, table.nodes[item], isDead: false, frame: frame, iteration: iteration) {
                _ in value
            }
        }
        for (item, value) in frame.invariants {
            activated += activate(item, table.nodes[item], isDead: value == nil, frame: frame, iteration: iteration) {
                _ in value
            }
        }
        iteration.outstandingOps += activated
        return iteration
    }

    /// Changes how many nodes of `iteration` are outstanding, and ends the iterations (and the
    /// frame) that this finishes.
    private func adjust(_ frame: FrameState, _ iteration: IterationState, by delta: Int) {
        iteration.outstandingOps += delta
        if iteration.outstandingOps == 0 { endFinishedIterations(of: frame) }
    }

    private func endFinishedIterations(of frame: FrameState) {
        guard !frame.isRoot else { return }
        while let oldest = frame.liveIterations.first, frame.hasFinished(oldest) {
            spareIterations[frame.frame].append(frame.endOldestIteration())
            if !frame.deferredNexts.isEmpty { _ = startIteration(of: frame) }
        }
        if frame.isDone { endFrame(frame) }
    }

    /// Hands a finished loop's dead Exits to its parent frame and lets the parent iteration go on.
    private func endFrame(_ frame: FrameState) {
        let parent = frame.parent!, parentIteration = frame.parentIteration!
        var activated = 0
        for exit in frame.deadExits {
            activated += activate(exit, table.nodes[exit], isDead: true, frame: parent, iteration: parentIteration) {
                _ in nil
            }
        }
        // The node that ended the frame still refers to it until it returns.
        endedFrames.append(frame)
        parentIteration.childFrames[frame.frame] = nil
        adjust(parent, parentIteration, by: activated)
    }
}
