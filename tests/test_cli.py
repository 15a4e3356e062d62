"""The command line as a user meets it: exit codes, output shapes, configuration, usage errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GOOD_IMPORT, ROOT, Run, write
from tests.pipes import BUFFERED, first_line_then_leave, into_a_closed_pipe
from validator.check.registry import RULES


def test_examples_validate_clean(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("validate")
    assert result.code == 0
    assert result.out.strip().endswith("no problems")


def test_text_output_is_path_line_column_rule(run: Run, repo: Path) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT.replace('"1.0.0"', "1.0"))
    result = run("validate")
    assert result.code == 1
    first = result.out.splitlines()[0]
    assert first.startswith("models/demo-model/1.0.0.yaml:2:10: MA202 error version 1.0 ")
    assert 'hint: version: "1.0.0"' in result.out


def test_json_output_shape_is_stable(run: Run, repo: Path) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT.replace("description:", "descripton:"))
    result = run("validate", "--format", "json")
    report = json.loads(result.out)
    assert set(report) == {"diagnostics", "summary"}
    assert report["diagnostics"] == [
        {
            "file": "models/demo-model/1.0.0.yaml",
            "line": 3,
            "column": 1,
            "rule": "MA101",
            "severity": "error",
            "message": "unknown key `descripton`",
            "suggestion": "did you mean `description`?",
        }
    ]
    assert report["summary"] == {"files": 1, "error": 1, "warning": 0, "info": 0}


def test_warnings_fail_only_with_strict(run: Run, repo: Path) -> None:
    write(
        repo,
        "models/demo-model/1.0.0.yaml",
        GOOD_IMPORT.replace("[real-time]", "[real-time, edge]"),
    )
    assert run("validate").code == 0
    assert run("validate", "--strict").code == 1


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "--no-such-flag"),
        ("validate", "--select", "XY1"),
        ("validate", "no/such/path.yaml"),
        ("validate", "--format", "yaml"),
        ("frobnicate",),
    ],
)
def test_usage_errors_exit_2(run: Run, repo: Path, args: tuple[str, ...]) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    result = run(*args)
    assert result.code == 2
    assert result.err.strip()


def test_missing_path_is_one_line_error(run: Run, repo: Path) -> None:
    result = run("validate", "nowhere.yaml")
    assert result.err == "error: nowhere.yaml: no such file or folder\n"


def test_select_and_ignore_by_family_prefix(run: Run, repo: Path) -> None:
    bad = GOOD_IMPORT.replace('"1.0.0"', '"01.0.0"').replace("description:", "descripton:")
    write(repo, "models/demo-model/1.0.0.yaml", bad)
    rules = lambda *args: {d["rule"] for d in json.loads(run(*args).out)["diagnostics"]}  # noqa: E731
    assert rules("validate", "--format", "json") == {"MA101", "MA202"}
    assert rules("validate", "--format", "json", "--select", "MA2") == {"MA202"}
    assert rules("validate", "--format", "json", "--ignore", "MA1,MA202") == set()


def test_config_file_mistakes_are_located_and_exit_2(run: Run, repo: Path) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    write(repo, ".modelarts-gitops.yaml", "ignore: [MA306]\nimagse:\n  region: eu-de\n")
    result = run("validate")
    assert result.code == 2
    assert ".modelarts-gitops.yaml:2:1: unknown key `imagse`" in result.err
    assert "did you mean `images`?" in result.err


def test_pyproject_table_is_read_and_checked(run: Run, repo: Path) -> None:
    write(
        repo,
        "models/demo-model/1.0.0.yaml",
        GOOD_IMPORT.replace("[real-time]", "[real-time, edge]"),
    )
    write(repo, "pyproject.toml", "[tool.modelarts-gitops]\nstrict = true\n")
    assert run("validate").code == 1
    write(
        repo, "pyproject.toml", '[project]\nname = "x"\n\n[tool.modelarts-gitops]\nstrict = "yes"\n'
    )
    result = run("validate")
    assert result.code == 2
    assert "pyproject.toml:5:1: `strict` must be true or false" in result.err


def test_rules_lists_every_rule_with_its_explanation(run: Run) -> None:
    result = run("rules")
    assert result.code == 0
    for rule in RULES.values():
        assert f"{rule.id}  {rule.severity!s:<7}  {rule.summary}" in result.out
        assert rule.explanation.splitlines()[0] in result.out


@pytest.mark.parametrize("name", ["import", "settings"])
def test_schema_prints_a_draft_2020_12_schema(run: Run, name: str) -> None:
    result = run("schema", name)
    assert json.loads(result.out)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_python_dash_m_works_from_another_directory(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "validator", "validate", str(ROOT / "models")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 files checked: no problems" in result.stdout


@pytest.mark.parametrize("columns", ["60", "132", "0", "", "wide"])
def test_help_is_as_wide_as_argparse_makes_it(
    columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parser measures the width itself (so a run does not import shutil) and must
    measure what argparse's own formatter does, COLUMNS set or not, valid or not."""
    import argparse

    from validator.cli import build_parser

    monkeypatch.setenv("COLUMNS", columns)
    parser = build_parser()
    width = argparse.ArgumentParser()._get_formatter()._width
    assert parser._get_formatter()._width == width
    assert parser.format_help().startswith("usage: modelarts-gitops")


WIDTHS = """
import argparse, sys
from validator.cli import build_parser
theirs = argparse.ArgumentParser()._get_formatter()._width
ours = build_parser()._get_formatter()._width
print(theirs, ours, file=sys.stderr)
"""


@pytest.mark.parametrize("columns", [47, 133])
def test_help_on_a_terminal_is_as_wide_as_the_terminal(columns: int) -> None:
    """Without COLUMNS the width is the terminal's: a real pseudo-terminal of that size."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    try:
        result = subprocess.run(
            [sys.executable, "-c", WIDTHS],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=environment,
            text=True,
            check=True,
            timeout=60,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert result.stderr.split() == [str(columns - 2)] * 2


def _many_findings(repo: Path, count: int) -> None:
    for n in range(count):
        text = GOOD_IMPORT.replace("demo-model", f"model-{n:03d}").replace("description:", "descr:")
        write(repo, f"models/model-{n:03d}/1.0.0.yaml", text)


def test_the_console_script_flushes_all_output_before_it_exits(repo: Path) -> None:
    """`validate` ends the process without the interpreter's teardown: everything written
    (more than a pipe's buffer), to its last byte, must still arrive, and the exit code
    be the command's."""
    _many_findings(repo, 120)

    def validate(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "validator", "validate", *args]
        return subprocess.run(
            command, cwd=repo, env=BUFFERED, capture_output=True, text=True, check=False
        )

    as_json, as_text = validate("--format", "json"), validate()
    assert (as_json.returncode, as_text.returncode) == (1, 1), as_json.stderr + as_text.stderr
    assert as_json.stderr == as_text.stderr == ""
    assert as_json.stdout.endswith("}\n")
    assert len(json.loads(as_json.stdout)["diagnostics"]) == 120
    assert as_text.stdout.endswith("\n")
    assert as_text.stdout.splitlines()[-1].startswith("120 files checked: 120 errors")


def test_a_reader_that_leaves_early_ends_the_run_quietly(repo: Path) -> None:
    """`validate | head -1`: the rest of the output has nowhere to go; no traceback, no
    `Exception ignored` from a last flush, and exit 1 whenever the pipe broke (in the
    command or at the last flush): the output is not all there, and it had findings."""
    _many_findings(repo, 400)
    first, error, code = first_line_then_leave(repo, "validate")
    assert code == 1
    assert first.startswith(b"models/model-000/1.0.0.yaml:")
    assert error == ""


@pytest.mark.parametrize("args", [["validate"], ["schema", "import"], ["rules"]])
def test_output_that_cannot_be_written_is_an_error_not_a_success(
    repo: Path, args: list[str]
) -> None:
    """A full disk (/dev/full) under a report: one `error:` line and exit 1, whether the
    write failed in the command or at the last flush."""
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "validator", *args],
            cwd=repo,
            env=BUFFERED,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert said == ["error: the output could not be written: No space left on device"]


@pytest.mark.parametrize("closed", [">&-", "2>&-", ">&- 2>&-"])
def test_a_closed_standard_stream_is_like_dev_null(repo: Path, closed: str) -> None:
    """`schema import >&-`: Python has no stdout (or stderr) then; what would go there goes
    nowhere, and the exit code is the command's, with no internal error."""
    script = f'exec "$@" {closed}'
    command = ["sh", "-c", script, "sh", sys.executable, "-m", "validator", "schema", "import"]
    result = subprocess.run(
        command, cwd=repo, env=BUFFERED, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stderr == ""
    assert (result.stdout == "") == (">&-" in closed.split())


def test_errors_are_not_written_into_a_report_when_stderr_is_closed(repo: Path) -> None:
    """`validate --format json 2>&- > report.json`: an error line must not land in the
    report (Python's print would write it to stdout when stderr is None)."""
    command = [sys.executable, "-m", "validator", "validate", "--format", "json", "nope.yaml"]
    script = 'exec "$@" 2>&-'
    result = subprocess.run(
        ["sh", "-c", script, "sh", *command], cwd=repo, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stdout == ""


@pytest.mark.parametrize("args", [["validate", "--nope"], ["validate", "nope.yaml"]])
def test_errors_to_a_closed_pipe_keep_their_exit_code(repo: Path, args: list[str]) -> None:
    """`... 2>&1 | head -0`: the usage error (2) stays 2, though its lines had nowhere to go."""
    assert into_a_closed_pipe(repo, *args, stderr_too=True).returncode == 2


def test_a_profiler_still_gets_its_exit(repo: Path, tmp_path: Path) -> None:
    """Under cProfile (or coverage) `validate` exits as usual, so the profile is written."""
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    profile = tmp_path / "validate.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "validator"]
    result = subprocess.run(
        [*command, "validate"], cwd=repo, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert profile.stat().st_size > 0


# A real SIGINT, sent to the process as Python starts to load `module`: Ctrl-C at that moment.
_CTRL_C_AS_IT_LOADS = """
import os, signal, sys

class CtrlC:
    module = sys.argv.pop(1)

    def find_spec(self, name, path=None, target=None):
        if name == self.module:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
from validator.console import run
run()
"""


@pytest.mark.parametrize(
    "module",
    [
        "validator.cli",  # the parser, before any command is known
        "validator.commands.check",  # a command's own modules, for its arguments
        "validator.check.run",  # what `validate` loads once it has begun
    ],
)
def test_ctrl_c_while_modules_load_is_one_line_and_exit_130(repo: Path, module: str) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    result = subprocess.run(
        [sys.executable, "-c", _CTRL_C_AS_IT_LOADS, module, "validate", "models"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "error: interrupted\n")
