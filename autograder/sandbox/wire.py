"""Length-prefixed JSON frames on a Unix socket, optionally carrying file descriptors (stdlib only)."""
from __future__ import annotations

import json
import socket
import struct

_HEADER = struct.Struct("!I")
MAX_FRAME = 64 << 20


def send(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    """Send one frame; `fds` travel with its first bytes (SCM_RIGHTS)."""
    body = json.dumps(message).encode()
    data = _HEADER.pack(len(body)) + body
    if fds:
        sent = socket.send_fds(sock, [data], fds)
        data = data[sent:]
    sock.sendall(data)


def recv(sock: socket.socket, max_fds: int = 0) -> tuple[dict | None, list[int]]:
    """Receive one frame and any descriptors sent with it; (None, []) at end of stream."""
    fds: list[int] = []
    if max_fds:
        head, fds, _flags, _addr = socket.recv_fds(sock, _HEADER.size, max_fds)
    else:
        head = sock.recv(_HEADER.size)
    if not head:
        return None, fds
    head += _recv_exact(sock, _HEADER.size - len(head))
    (size,) = _HEADER.unpack(head)
    if size > MAX_FRAME:
        raise ValueError(f"frame of {size} bytes")
    return json.loads(_recv_exact(sock, size)), fds


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError("connection closed inside a frame")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)
