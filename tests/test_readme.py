"""The README's examples run and print what it says (it must stay true to the code)."""

import doctest
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_doctests_pass():
    examples = "\n\n".join(b for b in BLOCKS if b.lstrip().startswith(">>>"))
    test = doctest.DocTestParser().get_doctest(examples, {}, "README.md", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 15
    assert result.failed == 0


def test_every_python_block_runs_in_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for i, block in enumerate(BLOCKS):
        source = doctest.script_from_examples(block) if block.lstrip().startswith(">>>") else block
        source = re.sub(r"^(Value\(-1\.0|Value\(\"3\"\)).*$", "", source, flags=re.M)
        # a pseudo file name: README.md's own lines are not this code's source
        exec(compile(source, f"<README.md block {i}>", "exec"), namespace)
    assert namespace["history"].val_accuracy[-1] >= 0.95
    assert (tmp_path / "graph.svg").exists() and (tmp_path / "backprop.gif").exists()
    test = namespace["test_my_gradients"]
    test()  # the hypothesis property from the README, run for real


@pytest.mark.parametrize("command", ["python3 tasks.py tour", "python3 tasks.py test"])
def test_readme_opens_with_the_two_commands(command):
    head = README.read_text(encoding="utf-8").split("```")[1]
    assert command in head
