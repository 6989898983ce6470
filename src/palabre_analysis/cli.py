"""The engine's commands, reached through `palabre <command>`. No Django here."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TextIO

from .cleaning import shorten
from .i18n import _, language_name, ngettext
from .inspect import inspect_corpus
from .progress import Progress
from .readers import FORMATS, read
from .records import Contribution, Corpus, ReadError

EXIT_BAD_INPUT = 2


def emit(text: str, output: str | None, out: TextIO) -> None:
    """Write a command's result to the file `output`, or to `out` when there is none."""
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        out.write(text)


def add_reading_arguments(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    if many:
        parser.add_argument(
            "inputs", metavar="INPUT", nargs="+", help=_("CSV, XLSX, JSON or JSON Lines file")
        )
    else:
        parser.add_argument("input", metavar="INPUT", help=_("CSV, XLSX, JSON or JSON Lines file"))
    parser.add_argument("--text-column", metavar="COL", help=_("column holding the text"))
    parser.add_argument("--id-column", metavar="COL", help=_("column holding the identifier"))
    parser.add_argument("--title-column", metavar="COL", help=_("column holding a title"))
    parser.add_argument(
        "--segment",
        metavar="COL",
        action="append",
        default=[],
        help=_("column to break results down by (repeatable)"),
    )
    parser.add_argument(
        "--input-format",
        default="auto",
        choices=["auto", "generic", *(f.name for f in FORMATS)],
        help=_("file format (default: recognised from the columns)"),
    )


def add_inspect_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "inspect",
        help=_("what a file holds: format, unreadable rows, empty answers, duplicates"),
        description=_("Read a file of contributions and report what it holds, before analysis."),
    )
    add_reading_arguments(parser)
    parser.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    parser.add_argument("--random-state", type=int, default=0)


def _read(args: argparse.Namespace, path: str) -> Corpus:
    """Read one input file with the reading options of the command line."""
    return read(
        path,
        text_column=args.text_column,
        id_column=args.id_column,
        title_column=args.title_column,
        segment_columns=args.segment,
        format=args.input_format,
    )


def _report_read_error(error: ReadError, err: TextIO) -> int:
    print(_("Error: {error}").format(error=error), file=err)
    if error.columns:
        print(_("Columns found: {columns}").format(columns=", ".join(error.columns)), file=err)
    return EXIT_BAD_INPUT


def run_inspect(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        corpus = _read(args, args.input)
    except ReadError as error:
        return _report_read_error(error, err)
    report = inspect_corpus(corpus, random_state=args.random_state).to_dict()
    if args.json:
        json.dump(report, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    write = out.write
    write(_("Format: {format} (encoding {encoding})").format(**report) + "\n")
    write(
        ngettext("{n} contribution read", "{n} contributions read", report["n_input"]).format(
            n=report["n_input"]
        )
        + "\n"
    )
    if report["issues"]:
        n = len(report["issues"])
        write(
            ngettext("{n} row could not be read:", "{n} rows could not be read:", n).format(n=n)
            + "\n"
        )
        for issue in report["issues"][:20]:
            write("  " + _("line {line}: {message}").format(**issue) + "\n")
    n = report["n_set_aside"]
    write(
        ngettext(
            "{n} empty-content answer set aside", "{n} empty-content answers set aside", n
        ).format(n=n)
        + "\n"
    )
    for example in report["set_aside_examples"][:5]:
        write(f"  « {shorten(example['text'], 100)} » × {example['count']}\n")
    if report["languages"]:
        languages = ", ".join(
            f"{language_name(code)} {n}" for code, n in report["languages"].items()
        )
        write(_("Languages: {languages}").format(languages=languages) + "\n")
    n, m = report["n_campaigns"], report["n_in_campaigns"]
    contributions = ngettext("{m} contribution", "{m} contributions", m).format(m=m)
    write(
        ngettext(
            "{n} copy-paste campaign ({contributions})",
            "{n} copy-paste campaigns ({contributions})",
            n,
        ).format(n=n, contributions=contributions)
        + "\n"
    )
    for group in [g for g in report["duplicate_groups"] if g["campaign"]][:10]:
        kind = _("identical") if group["kind"] == "exact" else _("near-identical")
        write(f"  × {group['size']} ({kind}) « {shorten(group['example'], 100)} »\n")
    short = [g for g in report["duplicate_groups"] if not g["campaign"]]
    if short:
        write(_("Frequent identical short answers:") + "\n")
        for group in short[:10]:
            write(f"  × {group['size']} « {shorten(group['example'], 100)} »\n")
    return 0


def add_synthesize_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "synthesize",
        help=_("topics, duplicates and set-aside answers of one or several files"),
        description=_(
            "Analyse contributions: answers without content set aside, duplicates and "
            "campaigns grouped, topics and sub-topics with labels and quotes."
        ),
    )
    add_reading_arguments(parser, many=True)
    parser.add_argument(
        "--codebook", metavar="FILE", help=_("your own categories (CSV or YAML) to apply")
    )
    parser.add_argument(
        "--corrections",
        metavar="FILE",
        help=_("corrections from a previous run (CSV id,category or the XLSX workbook)"),
    )
    parser.add_argument("--topics", default="auto", help=_("number of topics, or auto"))
    parser.add_argument("--subtopics", default="auto", help=_("sub-topics per topic, or auto"))
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--format",
        choices=["json", "html", "xlsx"],
        help=_("output format (default: from the output file's extension, else json)"),
    )
    parser.add_argument(
        "-o", "--output", metavar="OUT", help=_("output file (default: standard output)")
    )


def _count(value: str, option: str) -> int | str:
    if value == "auto":
        return value
    if value.isascii() and value.isdigit() and int(value) >= 1:
        return int(value)
    raise ReadError(_("{option} must be a positive number or auto.").format(option=option))


def _read_all(args: argparse.Namespace) -> Corpus:
    corpora = [_read(args, path) for path in args.inputs]
    if len(corpora) == 1:
        return corpora[0]
    merged = Corpus([], [], [], "+".join(c.format for c in corpora))
    for path, corpus in zip(args.inputs, corpora, strict=True):
        stem = path.rsplit("/", 1)[-1]
        merged.columns += [c for c in corpus.columns if c not in merged.columns]
        merged.issues += corpus.issues
        merged.contributions += [
            Contribution(
                id=f"{stem}:{c.id}",
                text=c.text,
                title=c.title,
                segments={**c.segments, "file": stem},
                line=c.line,
            )
            for c in corpus.contributions
        ]
    return merged


def run_synthesize(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    with Progress(err) as progress:
        return _synthesize(args, out, err, progress)


def _synthesize(
    args: argparse.Namespace, out: TextIO, err: TextIO, progress: Callable[[str], None]
) -> int:
    from .codebook import load_codebook, load_corrections
    from .synthesis import Synthesizer

    try:
        n_topics = _count(args.topics, "--topics")
        n_subtopics = _count(args.subtopics, "--subtopics")
        progress(_("Reading {n} file(s)…").format(n=len(args.inputs)))
        corpus = _read_all(args)
        codebook = load_codebook(args.codebook) if args.codebook else None
        corrections = load_corrections(args.corrections) if args.corrections else None
    except ReadError as error:
        return _report_read_error(error, err)
    for issue in corpus.issues[:20]:
        print(_("line {line}: {message}").format(line=issue.line, message=issue.message), file=err)
    synthesizer = Synthesizer(
        n_topics=n_topics,
        n_subtopics=n_subtopics,
        # Several files: break the results down by file too.
        segments=tuple(args.segment) + (("file",) if len(args.inputs) > 1 else ()),
        random_state=args.random_state,
        codebook=codebook,
        corrections=corrections,
        progress=progress,
    ).fit(corpus)
    for warning in synthesizer.result_["warnings"]:
        print(_("Warning: {warning}").format(warning=warning), file=err)
    suffix = (args.output or "").lower().rsplit(".", 1)[-1]
    output_format = args.format or {"html": "html", "htm": "html", "xlsx": "xlsx"}.get(
        suffix, "json"
    )
    if output_format == "xlsx":
        if not args.output:
            print(_("Error: {error}").format(error=_("an XLSX workbook needs -o FILE.")), file=err)
            return EXIT_BAD_INPUT
        from .report_xlsx import write_xlsx

        write_xlsx(synthesizer.result_, synthesizer.texts_, args.output)
        progress(_("Written to {path}").format(path=args.output))
        return 0
    if output_format == "html":
        from .report_html import render_html

        payload = render_html(synthesizer.result_, synthesizer.texts_)
    else:
        payload = json.dumps(synthesizer.result_, ensure_ascii=False, indent=2) + "\n"
    emit(payload, args.output, out)
    if args.output:
        progress(_("Written to {path}").format(path=args.output))
    return 0


def add_evaluate_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "evaluate",
        help=_("measure the quality of the topics (with or without human labels)"),
        description=_(
            "Run the synthesis and measure it: agreement with human labels (NMI, ARI, "
            "precision and recall per label) when a labels file is given, topic coherence "
            "(NPMI) and diversity in any case."
        ),
    )
    add_reading_arguments(parser)
    parser.add_argument("--labels", metavar="FILE", help=_("CSV with id,label columns"))
    parser.add_argument("--topics", default="auto", help=_("number of topics, or auto"))
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--json", action="store_true", help=_("print the report as JSON"))


def evaluate_corpus(
    corpus: Corpus, *, labels: dict[str, str] | None, n_topics: int | str, random_state: int
) -> dict[str, object]:
    from .evaluation import agreement, coherence
    from .synthesis import Synthesizer

    result = Synthesizer(n_topics=n_topics, random_state=random_state).fit(corpus).result_
    report: dict[str, object] = {
        "engine_version": result["engine_version"],
        "settings": result["settings"],
        "n_input": result["n_input"],
        "coherence": coherence(result, [c.text for c in corpus.contributions]),
    }
    if labels:
        report["agreement"] = agreement(result, labels)
    return report


def run_evaluate(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    from .evaluation import load_labels

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        n_topics = _count(args.topics, "--topics")
        corpus = _read(args, args.input)
        labels = load_labels(args.labels) if args.labels else None
        report = evaluate_corpus(
            corpus, labels=labels, n_topics=n_topics, random_state=args.random_state
        )
    except ReadError as error:
        return _report_read_error(error, err)
    if args.json:
        json.dump(report, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    coherence = report["coherence"]
    assert isinstance(coherence, dict)
    out.write(
        _("Topics: {n}, coherence (NPMI): {npmi}, diversity: {diversity}").format(
            n=coherence["n_topics"], npmi=coherence["npmi"], diversity=coherence["diversity"]
        )
        + "\n"
    )
    agreement_report = report.get("agreement")
    if isinstance(agreement_report, dict):
        out.write(
            _("Agreement with {n} labels: NMI {nmi}, ARI {ari}, macro F1 {macro_f1}").format(
                n=agreement_report["n_labelled"],
                nmi=agreement_report["nmi"],
                ari=agreement_report["ari"],
                macro_f1=agreement_report["macro_f1"],
            )
            + "\n"
        )
        for label, row in agreement_report["per_label"].items():
            out.write(
                "  "
                + _(
                    "{label} ({n}): best topic “{topic}”, precision {precision}, recall {recall}"
                ).format(label=label, **row)
                + "\n"
            )
    return 0


def add_budget_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "budget",
        help=_("count a participatory budget (Pabulib .pb file)"),
        description=_(
            "Count the ballots of a Pabulib .pb file with a rule and print the selected "
            "projects and the totals."
        ),
    )
    parser.add_argument("input", metavar="FILE.pb")
    parser.add_argument(
        "--rule",
        default="greedy",
        choices=["greedy", "greedy-no-skip", "greedy-threshold", "mes", "meta"],
        help=_(
            "counting rule (default: greedy; mes = Method of Equal Shares; meta = the rule "
            "the file names)"
        ),
    )
    parser.add_argument(
        "--threshold", type=int, default=0, help=_("greedy-threshold: minimum votes")
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.json",
        help=_("write {rule, budget, selected, total_cost} as JSON"),
    )


def run_budget(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    from .budget import PabulibError, count, read_pb

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        election = read_pb(args.input)
    except PabulibError as error:
        err.write(f"{args.input}: {error}\n")
        return EXIT_BAD_INPUT
    except OSError as error:
        err.write(f"{args.input}: {error.strerror}\n")
        return EXIT_BAD_INPUT
    for issue in election.issues:  # counted by a documented rule: said, not fatal
        err.write(
            f"{args.input}: "
            + _("line %(line)d: %(message)s") % {"line": issue.line, "message": issue.message}
            + "\n"
        )
    outcome = count(election, args.rule, threshold=args.threshold)
    for pid in outcome.selected:
        out.write(f"{pid}\n")
    result = outcome.as_json()
    out.write(
        _("{n} projects selected, {total} spent of a budget of {budget} ({rule})").format(
            n=len(outcome.selected),
            total=result["total_cost"],
            budget=result["budget"],
            rule=outcome.rule,
        )
        + "\n"
    )
    if args.output:
        emit(json.dumps(result, ensure_ascii=False, indent=2) + "\n", args.output, out)
    return 0


def add_opinions_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "opinions",
        help=_("opinion groups, consensus and divisive statements from agree/disagree votes"),
        description=_(
            "Read votes (a Pol.is export folder, or a CSV of participant,statement,vote) and "
            "compute opinion groups, their representative statements, consensus and "
            "divisive statements."
        ),
    )
    parser.add_argument("input", metavar="INPUT")
    parser.add_argument(
        "--min-votes",
        type=int,
        default=7,
        help=_("participants with fewer votes are counted but not grouped (default 7)"),
    )
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--format", choices=["json", "html"], default="json")
    parser.add_argument("-o", "--output", metavar="OUT")


def run_opinions(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    from .opinions import OpinionInputError, OpinionMap, read_votes

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        votes = read_votes(args.input)
    except (OpinionInputError, OSError) as error:
        err.write(f"{error}\n")
        return EXIT_BAD_INPUT
    model = OpinionMap(min_votes=args.min_votes, random_state=args.random_state).fit(votes)
    report = model.report(votes)
    if args.format == "html":
        from .opinions_html import render

        text = render(report, votes)
    else:
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    emit(text, args.output, out)
    return 0


def add_pairwise_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "pairwise",
        help=_("rank ideas from pairwise votes (wiki survey, Bradley-Terry)"),
        description=_(
            "Read a CSV of winner,loser[,segment][,undecided] comparisons and rank the items "
            "by their chance of winning against a random other one, with a 90 percent interval."
        ),
    )
    parser.add_argument("input", metavar="INPUT")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--bootstrap", type=int, default=200, metavar="N")
    parser.add_argument("--format", choices=["json", "csv"], default="json")
    parser.add_argument("-o", "--output", metavar="OUT")


def run_pairwise(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    from .pairwise import PairwiseInputError, PairwiseRanking, read_comparisons, write_ranking_csv

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        comparisons, undecided = read_comparisons(args.input)
    except (PairwiseInputError, OSError) as error:
        err.write(f"{error}\n")
        return EXIT_BAD_INPUT
    model = PairwiseRanking(n_bootstrap=args.bootstrap, random_state=args.random_state)
    report = model.fit(comparisons, undecided=undecided).report()
    if args.format == "csv":
        text = write_ranking_csv(report)
    else:
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    emit(text, args.output, out)
    return 0


def add_barometer_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "barometer",
        help=_("pool evaluation records into the barometer report"),
        description=_(
            "Read evaluation records (JSON files or folders of them) from many processes and "
            "local governments and write the barometer: figures by type, size and year, each "
            "with its number of records, small groups suppressed."
        ),
    )
    parser.add_argument("inputs", metavar="RECORD_OR_FOLDER", nargs="*")
    parser.add_argument("-o", "--output", metavar="OUT", help=_("report.html or report.json"))
    parser.add_argument("--min-group", type=int, default=5, metavar="N")
    parser.add_argument(
        "--generate",
        metavar="FOLDER",
        help=_("write a pool of 50 generated (fictitious) records into FOLDER and exit"),
    )


def run_barometer(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    from .barometer import RecordError, pool, read_records, render_html, write_generated

    out = out or sys.stdout
    err = err or sys.stderr
    if args.generate:
        write_generated(args.generate)
        out.write(_("50 generated records written to %(folder)s\n") % {"folder": args.generate})
        return 0
    if not args.inputs:
        err.write(_("give at least one record file or folder\n"))
        return EXIT_BAD_INPUT
    try:
        records, duplicates = read_records(args.inputs)
    except (RecordError, OSError) as error:
        err.write(f"{error}\n")
        return EXIT_BAD_INPUT
    report = pool(records, min_group=args.min_group)
    report["duplicates_dropped"] = duplicates
    if args.output and args.output.endswith(".html"):
        text = render_html(report)
    else:
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    emit(text, args.output, out)
    if args.output:
        err.write(
            _("%(n)d records pooled (%(d)d duplicates dropped) → %(out)s\n")
            % {"n": len(records), "d": duplicates, "out": args.output}
        )
    return 0
