/// The help texts, one per command.
enum Usage {
    static let overview = """
        usage: tensorgraph <command> [arguments]

        commands:
          run     run a graph (.json, .pb, .pbtxt) or a SavedModel directory: feed .npy files, fetch tensors
          check   infer every node's dtype and shape, and list the diagnostics
          bench   time Session.run of a graph
          optimize  write the graph a run executes after the graph optimizer, in a form TensorFlow runs
          dot     draw a graph in Graphviz DOT
          checkpoint  list a TensorFlow checkpoint's tensors, as inspect_checkpoint does
          ops     list the supported TensorFlow ops
          demo    build seed 004's network with the Swift API and run it (no files needed)
          train   train seed 004's network on the built-in 8x8 handwritten digits, report test accuracy
          help    show help for a command: tensorgraph help run
          --version  name the kernels in use and the ones this CPU runs (TENSORGRAPH_ISA=avx512|avx2|neon|portable)
        """

    static let commands: [String: String] = [
        "run": """
            usage: tensorgraph run GRAPH.json [--feed NAME=FILE.npy]... [--fetch TENSOR[=OUT.npy]]... \
            [--target OP]... [--init OP]...
                                 [--checkpoint PREFIX] [--signature NAME] [--timeout SECONDS]

              GRAPH.json may also be a .pb file or a SavedModel directory (its serving_default signature, or
              --signature NAME; feeds and fetches may use the signature's input and output names)
              --checkpoint PREFIX    restore every variable from a TensorFlow checkpoint (PREFIX.index and
                                     PREFIX.data-*) before anything runs; a Saver's .tgckpt file works too
              --feed NAME=FILE.npy   feed tensor NAME (node or node:k) from a .npy file; float64 files fed to
                                     float32 tensors are cast, with a note on stderr
              --fetch TENSOR         print TENSOR numpy-style; with =OUT.npy write it there instead
              --target OP            also run OP, for its effect
              --timeout SECONDS      stop a run that branches or loops after SECONDS (a loop whose condition
                                     never turns false), naming where it was
              --init OP              run OP on its own before the main run, in the order given, with the same feeds
            With no --fetch, every output of every node that nothing consumes is printed (for a SavedModel, the
            signature's outputs).
            Exit status: 0 on success, 1 on a graph, shape or run error (a line starting "error:" on stderr), \
            2 on a usage error.
            """,
        "check": """
            usage: tensorgraph check GRAPH.json [--shape NAME=DIMS]... [--checkpoint PREFIX] [--signature NAME]

              --shape NAME=DIMS      override placeholder NAME's shape, e.g. 16,28,28,1 or ?,28,28,1 \
            (or "" for a scalar)
              --checkpoint PREFIX    also check that the checkpoint holds every variable with the graph's dtype
                                     and shape
            Prints every node with its op and inferred output dtypes and shapes, then the diagnostics.
            Exit status: 0 when the graph checks clean, 1 when any node has an error, 2 on a usage error.
            """,
        "bench": """
            usage: tensorgraph bench GRAPH.json [--feed NAME=FILE.npy]... [--init OP]... --fetch TENSOR \
            [--runs N] [--warmup N] [--json]
                                   [--checkpoint PREFIX] [--signature NAME] [--profile] [--no-optimize]

            Restores --checkpoint PREFIX and runs each --init OP once (as run does), then times Session.run in this
            process after --warmup runs (default 3) over --runs runs (default 20) and prints
            the median, minimum and maximum milliseconds per run; --json prints exactly one line
            {"median_ms": ..., "min_ms": ..., "max_ms": ..., "runs": ..., "isa": ...}.
            --profile then times --runs more runs node by node and prints what the graph optimizer did, each op type's
            node count, milliseconds per run and share of the run, the ten slowest nodes, and the peak of live tensors
            as planned before the run and as measured, beside the process's peak resident memory.
            --no-optimize runs the graph as written (TensorFlow's OptimizerOptions.L0).
            """,
        "optimize": """
            usage: tensorgraph optimize GRAPH.json -o OUT.pb|OUT.pbtxt|OUT.json [--feed NAME[=FILE.npy]]...
                                      [--fetch TENSOR]... [--target OP]... [--signature NAME]
                                      [--for tensorflow|tensorgraph]

            Cuts the graph to what a run of the --fetch tensors needs (every output nothing consumes without --fetch),
            with the --feed tensors fed (their files are not read), rewrites it with the graph optimizer and writes it
            to OUT in the format its extension names. A fed tensor's node becomes a Placeholder; folded values are
            Consts.
            --for tensorflow (the default) makes only what TensorFlow's own CPU kernels run, with oneDNN or Eigen:
            batch norms folded into weights, _FusedConv2D with a bias and Relu, Relu6, Elu or LeakyRelu, _FusedMatMul
            with a bias and those or Sigmoid or Tanh. --for tensorgraph writes every fusion this session would run
            (residual adds, _FusedDepthwiseConv2dNative, _FusedBatchNormEx, _MklSwish), which only TensorGraph runs.
            Prints what it wrote and what each pass did.
            """,
        "dot": """
            usage: tensorgraph dot GRAPH.json [--signature NAME]

            Writes Graphviz DOT to stdout: each node labelled with its name, op and inferred shapes, \
            nodes with errors in red.
            Render it with: tensorgraph dot graph.json | dot -Tsvg > graph.svg
            """,
        "ops": "usage: tensorgraph ops\n\nLists the TensorFlow ops TensorGraph supports, one a line.",
        "demo":
            "usage: tensorgraph demo\n\nBuilds seed 004's conv2d -> conv2d_transpose -> dense network with the Swift "
                + "API, runs it on a\nbuilt-in input, and prints every node's inferred shape, the outputs, and a "
                + "caught conv2d_transpose mistake.",
        "train": """
            usage: tensorgraph train [--epochs N] [--batch-size N] [--learning-rate X] [--optimizer adam|sgd] \
            [--seed N] [--save DIR]

            Trains seed 004's conv2d -> conv2d_transpose -> dense network on the 1,797 8x8 handwritten digits shipped
            with the tool (scikit-learn's copy of the UCI set), holding out a seeded 20% as the test split. Prints each
            epoch's loss, training accuracy and examples per second, then the test accuracy.
            Defaults: 40 epochs, batch 32, Adam with learning rate 0.002, seed 4.
            --save DIR writes DIR/model.ckpt (a TensorFlow checkpoint: model.ckpt.index and
            model.ckpt.data-00000-of-00001), DIR/weights/<variable>.npy and DIR/graph.json (GraphDef JSON).
            """,
        "checkpoint": """
            usage: tensorgraph checkpoint PREFIX

            Lists the tensors of a TensorFlow checkpoint (PREFIX.index and PREFIX.data-*; PREFIX.index or a
            directory with a checkpoint file also work) as TensorFlow's inspect_checkpoint does:
            "name (DT_FLOAT) [3,3,1,8]" a line, sorted by name, then the total number of elements.
            The index's checksums are verified.
            """,
        "help": "usage: tensorgraph help [COMMAND]",
    ]
}
