"""The walk stats each name from its folder's descriptor (read.walk._Here) and finds
exactly what stat'ing every whole path finds: random trees with documents, other files,
hidden ones, links to files and folders (loops, diamonds, broken ones), pipes, names
that are not UTF-8 and a chain of folders longer than PATH_MAX; no descriptor is left
open."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from qcdc_cli.read import walk as walk_module
from qcdc_cli.read.walk import walk


def _tree(root: Path, rng: random.Random) -> list[Path]:
    folders = [root]
    for i in range(rng.randint(3, 10)):
        folders.append(rng.choice(folders) / rng.choice(["a", "b", "Hà Tĩnh", ".h", "x.txt"]) / f"{i}")
        folders[-1].mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(rng.randint(5, 30)):
        folder = rng.choice(folders)
        name = rng.choice(["kh_{}.txt", "n_{}.md", "o_{}.pdf", ".hid_{}.txt", "z{}", "KH_{}.TXT"]).format(i)
        kind = rng.random()
        target = folder / name
        if kind < 0.6:
            target.write_text("x" * i, encoding="utf-8")
            made.append(target)
        elif kind < 0.7 and made:
            target.symlink_to(rng.choice(made))
        elif kind < 0.8:
            target.symlink_to(rng.choice(folders))  # a loop when it points above
        elif kind < 0.85:
            target.symlink_to(folder / "nowhere")
        elif kind < 0.9:
            os.mkfifo(target)
        else:
            os.close(os.open(os.fsencode(folder) + b"/bad\xff" + str(i).encode() + b".txt", os.O_CREAT | os.O_WRONLY))
    return folders


def _deep(root: Path) -> None:
    """Folders nested past PATH_MAX: the deep ones are stat'ed by their whole path."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for i in range(60):
            name = f"{'d' * 90}{i}"
            os.mkdir(name, dir_fd=fd)
            with open(os.open("kh.txt", os.O_CREAT | os.O_WRONLY, dir_fd=fd), "w") as f:
                f.write(str(i))
            sub = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = sub
    finally:
        os.close(fd)


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
@pytest.mark.parametrize("seed", range(12))
def test_stat_from_the_folder_finds_what_whole_paths_find(tmp_path: Path, seed: int, monkeypatch) -> None:
    rng = random.Random(seed)
    root = tmp_path / "t"
    root.mkdir()
    folders = _tree(root, rng)
    if seed % 3 == 0:
        _deep(root)
    roots = [root] + ([rng.choice(folders)] if seed % 2 else [])
    before = _open_fds()
    at = walk(roots)
    assert _open_fds() == before
    monkeypatch.setattr(walk_module, "_AT", False)
    whole = walk(roots)
    assert at == whole
    assert at.candidates
    assert seed % 3 or any("too long" in r for _, r in at.failures), at.failures
