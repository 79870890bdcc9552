"""Command line: ``kmeans-gui`` opens the app; subcommands run headless jobs.

Each subcommand's options and behaviour live beside the code they drive (``add_arguments`` and
``run`` in that module), so this file only routes. Qt is imported only by the commands that need it.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__

# command name -> (module, one-line help)
COMMANDS = {
    "gui": ("kmeans_gui.ui.app", "open the application window (the default); FILE: a session to open"),
    "open": ("kmeans_gui.ui.open_command", "open the application window with a session file"),
    "snapshot": ("kmeans_gui.ui.snapshot", "render a view offscreen after N half-steps and save a PNG"),
    "quantize": ("kmeans_gui.quantize_cli", "quantize an image to k colours and print the figures"),
    "export-gif": ("kmeans_gui.export.gif", "render a whole run as an animated GIF, one frame per half-step"),
    "filmstrip": ("kmeans_gui.export.filmstrip", "render the first iterations of a run as a grid in one PNG"),
    "choose-k": ("kmeans_gui.choose_k_cli", "score k = 1..max k (elbow, silhouette, CH, DB, gap), say which k each picks"),
    "failures": ("kmeans_gui.failures_cli", "where k-means fails and what works instead: ARI and time per case and method"),
}


class OneLineParser(argparse.ArgumentParser):
    """Reports a usage error in one line on stderr and exits with status 2.

    argparse's own report repeats the whole usage first (a dozen lines for ``snapshot``), which buries
    the one sentence that says what is wrong; ``--help`` still shows the usage.
    """

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only that command's module is imported (quantize needs no Qt)."""
    parser = OneLineParser(prog="kmeans-gui", description="Watch k-means think.")
    parser.add_argument("--version", action="version", version=f"kmeans-gui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if command is None or name == command:
            importlib.import_module(module_name).add_arguments(command_parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # `kmeans-gui FILE` and `kmeans-gui --k 3` are the gui command.
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["gui", *argv]
    command = argv[0] if argv[0] in COMMANDS else None
    parser = build_parser(command)
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # name the command whose options were misspelt, not the top-level program
        parser.exit(2, f"kmeans-gui {args.command}: error: unrecognized arguments: {' '.join(unknown)} "
                       f"(see kmeans-gui {args.command} --help)\n")
    module = importlib.import_module(COMMANDS[args.command][0])
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
