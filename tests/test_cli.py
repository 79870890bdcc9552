"""Every command's usage errors: one line on stderr naming the command, exit status 2."""

import pytest

from kmeans_gui.cli import main


@pytest.mark.parametrize("argv, command, words", [
    (["--bogus"], "gui", "unrecognized arguments: --bogus"),
    (["snapshot", "--k", "x", "-o", "x.png"], "snapshot", "invalid int value: 'x'"),
    (["choose-k", "--bogus"], "choose-k", "unrecognized arguments: --bogus"),
    (["failures", "--bogus"], "failures", "unrecognized arguments: --bogus"),
    (["filmstrip", "--dataset", "nope", "-o", "x.png"], "filmstrip", "invalid choice: 'nope'"),
    (["open"], "open", "required: FILE"),
    (["quantize"], "quantize", "required: IN"),
])
def test_usage_errors_are_one_line_naming_the_command(argv, command, words, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.count("\n") == 1 and "usage" not in err
    assert err.startswith(f"kmeans-gui {command}: error:") and words in err
    assert err.rstrip().endswith(f"(see kmeans-gui {command} --help)")


def test_help_still_shows_the_usage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["snapshot", "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: kmeans-gui snapshot")
