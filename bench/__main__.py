"""`make bench`: run every benchmark and print their tables (`python -m bench [name …]`)."""

import importlib
import sys

BENCHMARKS = ["bench_engine", "bench_runtime", "bench_sandbox", "bench_forwarding", "bench_queues",
              "bench_intake", "bench_load"]


def main(names: list[str]) -> None:
    for name in names or BENCHMARKS:
        module = importlib.import_module(f"bench.{name}")
        module.main()


if __name__ == "__main__":
    main(sys.argv[1:])
