"""The `palabre` command.

    palabre manage <django command> [args]   run a Django management command
    palabre demo [--port N] [--no-serve]       migrate, load the demo and serve it
    palabre inspect INPUT [--text-column COL] …  what a file of contributions holds
    palabre budget FILE.pb --rule greedy|mes [-o OUT.json]  count a participatory budget
    palabre opinions INPUT [--min-votes N] [--format json|html] [-o OUT]  opinion groups
    palabre pairwise INPUT.csv [--format json|csv] [-o OUT]  ranking from pairwise votes
    palabre barometer RECORD_OR_FOLDER… [-o report.html]  pool evaluation records
    palabre version

Analysis subcommands (inspect; later synthesize, opinions, barometer…) do not need Django:
they import `palabre_analysis` only.
"""

from __future__ import annotations

import argparse
import os
import sys


def _django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["palabre manage", *argv])


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="palabre", description="Palabre command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("manage", help="run a Django management command", add_help=False)
    demo = sub.add_parser("demo", help="migrate, load the demo collectivité and serve it")
    demo.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    demo.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    demo.add_argument("--no-serve", action="store_true", help="prepare the demo and exit")
    sub.add_parser("version", help="print the version")
    if argv and argv[0] == "manage":  # before loading the engine: workers start faster
        _django(argv[1:])
        return 0
    from palabre_analysis.cli import (
        add_barometer_parser,
        add_budget_parser,
        add_evaluate_parser,
        add_inspect_parser,
        add_opinions_parser,
        add_pairwise_parser,
        add_synthesize_parser,
        run_barometer,
        run_budget,
        run_evaluate,
        run_inspect,
        run_opinions,
        run_pairwise,
        run_synthesize,
    )

    add_inspect_parser(sub)
    add_synthesize_parser(sub)
    add_evaluate_parser(sub)
    add_budget_parser(sub)
    add_opinions_parser(sub)
    add_pairwise_parser(sub)
    add_barometer_parser(sub)
    if not argv:
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    if args.command == "inspect":
        return run_inspect(args)
    if args.command == "synthesize":
        return run_synthesize(args)
    if args.command == "evaluate":
        return run_evaluate(args)
    if args.command == "budget":
        return run_budget(args)
    if args.command == "opinions":
        return run_opinions(args)
    if args.command == "pairwise":
        return run_pairwise(args)
    if args.command == "barometer":
        return run_barometer(args)
    if args.command == "version":
        import palabre

        print(palabre.__version__)
        return 0
    if args.command == "demo":
        from palabre.demo.runner import run_demo

        return run_demo(host=args.host, port=args.port, serve=not args.no_serve)
    return 2


if __name__ == "__main__":
    sys.exit(main())
