"""Bad input on the command line: one message naming the culprit, exit code 2, no traceback.

Each case writes its files into a fresh working directory, runs ``wom`` in-process
(:func:`sim.cli.main`) and checks the README's promise: exit code 2, no traceback, a
message on stderr naming the file, key or line at fault, and no file left behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main

#: A valid scenario (network Bass on a small generated network) the cases start from.
SCENARIO = ('name = "s"\n[population]\nsize = 50\n[network]\nkind = "barabasi_albert"\n'
            'm = 2\n[diffusion]\nmodel = "bass"\n[run]\nsteps = 2\n')
#: A scenario whose network is the edge list ``edges`` of the case (its own file).
ON_FILE = '[network]\nkind = "file"\npath = "{}"\n[run]\nsteps = 2\n'
#: A cascade (a preset that cannot use distrust ties) on ``edges.txt``.
CASCADE = ('[network]\nkind = "file"\npath = "edges.txt"\n[diffusion]\n'
           'model = "independent_cascade"\n[seeding]\ncount = 1\n')
#: A base scenario that sets a size for its generated network, and a child on a file.
SIZED_BASE = '[population]\nsize = 10000\n[network]\nkind = "barabasi_albert"\n'


def _with(extra: str) -> str:
    return SCENARIO + extra


def _run(*args: str) -> list[str]:
    return ["run", "s.toml", *args]


def _set(*items: str) -> list[str]:
    return ["run", "s.toml", *(a for item in items for a in ("--set", item))]


# (id, files written to the working directory, argv, strings the message must contain)
CASES: list[tuple[str, dict[str, str | bytes], list[str], list[str]]] = [
    # --- --out that cannot be written (refused before the run, nothing left behind)
    ("out-directory", {"s.toml": SCENARIO, "d.parquet/x": ""}, _run("--out", "d.parquet"),
     ["--out d.parquet", "is a directory"]),
    ("out-sys", {"s.toml": SCENARIO}, _run("--out", "/sys/x.parquet"),
     ["--out /sys/x.parquet", "cannot write"]),
    ("out-proc", {"s.toml": SCENARIO}, _run("--out", "/proc/x.parquet"),
     ["--out /proc/x.parquet", "cannot write"]),
    ("out-suffix", {"s.toml": SCENARIO}, _run("--out", "x.txt"),
     ["--out x.txt", ".parquet or .csv"]),
    ("compare-out-directory", {"s.toml": SCENARIO, "d.csv/x": ""},
     ["compare", "s.toml", "s.toml", "--out", "d.csv"], ["--out d.csv", "is a directory"]),
    # --- scenario files
    ("missing-file", {}, ["run", "nope.toml"], ["nope.toml", "no such scenario file"]),
    ("directory", {"d.toml/x": ""}, ["run", "d.toml"], ["d.toml", "is a directory"]),
    ("non-utf8", {"s.toml": b'\xff\xfename="x"\n'}, _run(),
     ["s.toml", "not UTF-8 text", "line 1, column 1"]),
    ("non-utf8-later-line", {"s.toml": b'name = "x"\n# caf\xe9\n'}, _run(),
     ["s.toml", "not UTF-8 text", "line 2, column 6"]),
    ("toml-syntax", {"s.toml": "[run\nsteps = 2\n"}, _run(), ["s.toml", "not valid TOML"]),
    ("unknown-key", {"s.toml": _with("stepz = 3\n")}, _run(), ["s.toml", "run.stepz",
                                                                "unknown key"]),
    ("unknown-table", {"s.toml": _with("[colour]\nhue = 1\n")}, _run(),
     ["s.toml", "colour", "unknown key"]),
    ("float-as-string", {"s.toml": SCENARIO.replace('"bass"', '"bass"\np = "0.03"')}, _run(),
     ["s.toml", "diffusion.p", "valid number"]),
    ("bool-as-yes", {"s.toml": _with('[community]\nenabled = "yes"\n')}, _run(),
     ["s.toml", "community.enabled", "valid boolean"]),
    ("bool-as-off", {"s.toml": _with('[community]\nenabled = "off"\n')}, _run(),
     ["s.toml", "community.enabled", "valid boolean"]),
    ("bool-as-1", {"s.toml": _with("[community]\nenabled = 1\n")}, _run(),
     ["s.toml", "community.enabled", "valid boolean"]),
    ("int-as-bool", {"s.toml": SCENARIO.replace("size = 50", "size = true")}, _run(),
     ["s.toml", "population.size", "valid integer"]),
    ("int-as-float", {"s.toml": SCENARIO.replace("size = 50", "size = 50.0")}, _run(),
     ["s.toml", "population.size", "valid integer"]),
    ("str-as-int", {"s.toml": SCENARIO.replace('name = "s"', "name = 5")}, _run(),
     ["s.toml", "name", "valid string"]),
    ("out-of-range", {"s.toml": _with("[wom]\nbeta = 2\n")}, _run(),
     ["s.toml", "wom.beta", "less than or equal to 1"]),
    ("bad-choice", {"s.toml": SCENARIO.replace('"barabasi_albert"', '"smallworld"')}, _run(),
     ["s.toml", "network.kind"]),
    ("file-without-path", {"s.toml": '[network]\nkind = "file"\n'}, _run(),
     ["s.toml", "network.path"]),
    ("base-missing", {"s.toml": 'base = "gone.toml"\n'}, _run(), ["s.toml", "base",
                                                                  "gone.toml"]),
    ("base-not-a-name", {"s.toml": "base = 5\n"}, _run(), ["s.toml", "base"]),
    ("base-cycle", {"s.toml": 'base = "t.toml"\n', "t.toml": 'base = "s.toml"\n'}, _run(),
     ["s.toml", "base", "inheritance cycle", "t.toml"]),
    ("base-self", {"s.toml": 'base = "s.toml"\n'}, _run(), ["s.toml", "inheritance cycle"]),
    ("seed-2**63-in-file", {"s.toml": _with("seed = 9223372036854775808\n")}, _run(),
     ["s.toml", "run.seed", "9223372036854775807"]),
    ("price-1e18-in-file", {"s.toml": _with("[product]\nprice = 1e18\n")}, _run(),
     ["s.toml", "product.price", "1000000"]),
    # --- --set and options
    ("set-out-of-range", {"s.toml": SCENARIO}, _set("diffusion.p=-1"),
     ["--set diffusion.p", "greater than or equal to 0"]),
    ("set-quoted-int", {"s.toml": SCENARIO}, _set('population.size="500"'),
     ["--set population.size", "valid integer", "'500'"]),
    ("set-bool-word", {"s.toml": SCENARIO}, _set("community.enabled=yes"),
     ["--set community.enabled", "valid boolean"]),
    ("set-bool-int", {"s.toml": SCENARIO}, _set("community.enabled=1"),
     ["--set community.enabled", "valid boolean"]),
    ("set-int-float", {"s.toml": SCENARIO}, _set("run.steps=2.5"),
     ["--set run.steps", "valid integer"]),
    ("set-not-a-number", {"s.toml": SCENARIO}, _set("diffusion.p=0.1.2"),
     ["--set diffusion.p", "valid number"]),
    ("set-no-equals", {"s.toml": SCENARIO}, _set("diffusion.p"),
     ["--set diffusion.p", "KEY.PATH=VALUE"]),
    ("set-empty-key", {"s.toml": SCENARIO}, _set("=3"), ["--set =3", "KEY.PATH=VALUE"]),
    ("set-unknown-key", {"s.toml": SCENARIO}, _set("run.bogus=3"),
     ["--set run.bogus", "unknown key"]),
    ("set-through-a-value", {"s.toml": SCENARIO}, _set("name.x=1"),
     ["--set name.x", "name is not a table"]),
    ("set-seed-2**63", {"s.toml": SCENARIO}, _set("run.seed=9223372036854775808"),
     ["--set run.seed", "below 2**63", "9223372036854775807"]),
    ("set-network-seed-2**64", {"s.toml": SCENARIO}, _set("network.seed=18446744073709551616"),
     ["--set network.seed", "9223372036854775807"]),
    ("option-seed-2**63", {"s.toml": SCENARIO}, _run("--seed", "9223372036854775808"),
     ["run.seed", "9223372036854775807"]),
    ("price-inf", {"s.toml": SCENARIO}, _set("product.price=inf"),
     ["--set product.price", "finite number"]),
    ("price-nan", {"s.toml": SCENARIO}, _set("product.price=nan"),
     ["--set product.price", "finite number"]),
    ("price-1e18", {"s.toml": SCENARIO}, _set("product.price=1e18"),
     ["--set product.price", "less than or equal to 1000000"]),
    ("budget-1e17", {"s.toml": SCENARIO}, _set("budget.total=1e17"),
     ["--set budget.total", "less than or equal to 1000000000000"]),
    ("budget-inf", {"s.toml": SCENARIO}, _set("budget.total=inf"),
     ["--set budget.total", "finite number"]),
    ("cost-per-exposure-1e17", {"s.toml": SCENARIO}, _set("ads.cost_per_exposure=1e17"),
     ["--set ads.cost_per_exposure", "less than or equal to"]),
    ("referral-reward-inf", {"s.toml": SCENARIO}, _set("promotions.referral_reward=inf"),
     ["--set promotions.referral_reward", "finite number"]),
    ("checkin-reward-1e18", {"s.toml": SCENARIO}, _set("promotions.checkin_reward=1e18"),
     ["--set promotions.checkin_reward", "less than or equal to"]),
    ("vip-perk-1e9", {"s.toml": SCENARIO}, _set("promotions.vip_perk=1e9"),
     ["--set promotions.vip_perk", "less than or equal to"]),
    ("upkeep-minus-inf", {"s.toml": SCENARIO}, _set("community.upkeep=-inf"),
     ["--set community.upkeep", "finite number"]),
    ("member-cost-1e300", {"s.toml": SCENARIO}, _set("community.member_cost=1e300"),
     ["--set community.member_cost", "less than or equal to"]),
    ("fee-1e17", {"s.toml": SCENARIO}, _set("influencers.fee_per_thousand=1e17"),
     ["--set influencers.fee_per_thousand", "less than or equal to"]),
    ("replications-0", {"s.toml": SCENARIO}, _run("--replications", "0"), ["--replications"]),
    ("unknown-command", {}, ["simulate"], ["simulate", "invalid choice"]),
    ("bench-sizes", {}, ["bench", "--sizes", "1e4"], ["--sizes", "'1e4'"]),
    ("bench-sizes-tiny", {}, ["bench", "--sizes", "500,10"], ["--sizes", "at least 100"]),
    ("bench-json-directory", {"d.json/x": ""}, ["bench", "--json", "d.json"],
     ["--json d.json", "is a directory"]),
    # --- network files
    ("edges-missing", {"s.toml": ON_FILE.format("gone.txt")}, _run(),
     ["gone.txt", "no such file"]),
    ("edges-empty", {"s.toml": ON_FILE.format("e.txt"), "e.txt": ""}, _run(),
     ["e.txt", "no edges found"]),
    ("edges-comments-only", {"s.toml": ON_FILE.format("e.txt"), "e.txt": "# a\n% b\n"},
     _run(), ["e.txt", "no edges found"]),
    ("edges-self-loops-only", {"s.toml": ON_FILE.format("e.txt"), "e.txt": "1 1\n2 2\n"},
     _run(), ["e.txt", "no edges found", "self-loop"]),
    ("edges-malformed-line", {"s.toml": ON_FILE.format("e.txt"), "e.txt": "0 1\na b c d\n"},
     _run(), ["e.txt", "line 2", "a b c d"]),
    ("edges-mixed-columns", {"s.toml": ON_FILE.format("e.txt"), "e.txt": "0 1 1\n1 2\n"},
     _run(), ["e.txt", "line 2", "3 columns"]),
    ("edges-weight-not-a-number",
     {"s.toml": ON_FILE.format("e.txt"), "e.txt": "0 1 1\n1 2 abc\n"}, _run(),
     ["e.txt", "line 2", "'abc' is not a number"]),
    ("edges-weight-1e40", {"s.toml": ON_FILE.format("e.txt"), "e.txt": "0 1 1\n1 2 1e40\n"},
     _run(), ["e.txt", "line 2", "float32"]),
    ("csv-weight-1e40",
     {"s.toml": ON_FILE.format("e.csv"), "e.csv": "a,b,weight\n0,1,1\n1,2,-1e40\n"}, _run(),
     ["e.csv", "line 3", "float32"]),
    ("csv-missing-column",
     {"s.toml": ON_FILE.format("e.csv"), "e.csv": "a,b\n0,1\n"},
     _set("network.weight_column=w"),
     ["e.csv", "no weight column 'w'", "a, b"]),
    ("edges-not-utf8", {"s.toml": ON_FILE.format("e.txt"), "e.txt": b"0 1\n1 \xff\n"},
     _run(), ["e.txt", "line 2", "UTF-8"]),
    ("edges-corrupt-gzip", {"s.toml": ON_FILE.format("e.txt.gz"),
                            "e.txt.gz": b"\x1f\x8bnot gzip at all"}, _run(),
     ["e.txt.gz", "corrupt gzip"]),
    ("edges-negative-weight-preset", {"s.toml": CASCADE, "edges.txt": "0 1 1\n1 2 -0.5\n"},
     _run(), ["edges.txt", "line 2", "negative", "independent_cascade"]),
    ("edges-set-path-missing", {"s.toml": SCENARIO},
     _set("network.kind=file", "network.path=gone.txt"), ["gone.txt", "no such file"]),
    ("size-explicit-in-file",
     {"s.toml": '[population]\nsize = 7\n' + ON_FILE.format("e.txt"), "e.txt": "0 1\n1 2\n"},
     _run(), ["population.size", "7 does not match the 3 consumers", "e.txt"]),
    ("size-explicit-by-set", {"base.toml": SIZED_BASE, "e.txt": "0 1\n1 2\n",
                              "s.toml": 'base = "base.toml"\n' + ON_FILE.format("e.txt")},
     _set("population.size=10000"), ["population.size", "10000 does not match", "e.txt"]),
]


def _write(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize(("files", "argv", "culprit"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_is_one_message_and_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    files: dict[str, str | bytes], argv: list[str], culprit: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, files)
    before = _listing(tmp_path)
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refuses its own arguments this way
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and errors[0].startswith("wom"), err  # argparse adds its usage
    for part in culprit:
        assert part in err, f"{part!r} not in {err!r}"
    assert _listing(tmp_path) == before


def test_enough_cases() -> None:
    assert len(CASES) >= 40
    assert len({c[0] for c in CASES}) == len(CASES)


def test_a_closed_pipe_ends_quietly() -> None:
    """``wom keys | head -n 1``: no BrokenPipeError traceback, exit code 0."""
    import subprocess
    import sys

    keys = subprocess.Popen([sys.executable, "-m", "sim.cli", "keys"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert keys.stdout is not None
    keys.stdout.close()  # the reader is gone before wom writes its first line
    _, err = keys.communicate(timeout=120)
    assert keys.returncode == 0, err
    assert b"Traceback" not in err and b"BrokenPipe" not in err
