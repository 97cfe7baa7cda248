"""Removing what a job left in its private directory, however deep or unfriendly (stdlib only).

`shutil.rmtree` recurses once per level and fails on a tree a few thousand levels deep (and on
paths longer than PATH_MAX). This walks down and back up with one open directory at a time,
by descriptor, never following a symlink, and makes unreadable directories readable first.
"""
from __future__ import annotations

import os
import stat

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _open_dir(name: str, dir_fd: int | None) -> int:
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except PermissionError:  # a job may chmod 000 its own directories
        os.chmod(name, stat.S_IRWXU, dir_fd=dir_fd, follow_symlinks=False)
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)


def _first_subdir(fd: int) -> str | None:
    """Unlink every non-directory in `fd`; the name of one subdirectory left, if any."""
    with os.scandir(fd) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                return entry.name
            try:
                os.unlink(entry.name, dir_fd=fd)
            except FileNotFoundError:
                pass
    return None


def remove_tree(path: str) -> None:
    """Delete `path` and everything under it, iteratively; errors on single entries are ignored."""
    try:
        fd = _open_dir(path, None)
    except OSError:
        return
    names: list[str] = []  # the way down from `path`
    try:
        while True:
            try:
                sub = _first_subdir(fd)
            except OSError:
                sub = None
            if sub is not None:
                try:
                    child = _open_dir(sub, fd)
                except OSError:
                    child = -1
                if child >= 0:
                    os.close(fd)
                    fd, names = child, [*names, sub]
                    continue
            if not names:
                break
            parent = os.open("..", _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = parent
            try:
                os.rmdir(names.pop(), dir_fd=fd)
            except OSError:
                return  # not empty after all (something still writes there): leave the rest
    finally:
        os.close(fd)
    try:
        os.rmdir(path)
    except OSError:
        pass


def empty_dir(path: str) -> None:
    """Remove everything inside `path`, keeping `path` itself."""
    try:
        names = os.listdir(path)
    except OSError:
        return
    for name in names:
        full = os.path.join(path, name)
        if os.path.isdir(full) and not os.path.islink(full):
            remove_tree(full)
        else:
            try:
                os.unlink(full)
            except OSError:
                pass


def remove_owned(path: str, uid: int) -> None:
    """Remove what `uid` owns directly inside `path` (a shared folder such as the host's /dev/shm), nothing else."""
    try:
        entries = list(os.scandir(path))
    except OSError:
        return
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if info.st_uid != uid:
            continue
        if stat.S_ISDIR(info.st_mode):
            remove_tree(entry.path)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
