"""console-receiver.py SOCK OUT: the other end of a runtime's --console-socket.

Listens on the unix socket SOCK, creates OUT.ready once listening, takes the
terminal's master fd from the first connection and copies everything read
from it into OUT (after a first line "received=N", the number of fds that
came), until EOF or an error (the terminal's last process is gone).
"""
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
open(out + ".ready", "w").close()
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 1024, 1)
with open(out, "wb", buffering=0) as f:
    f.write(b"received=%d\n" % len(fds))
    while True:
        try:
            d = os.read(fds[0], 4096)
        except OSError:
            break
        if not d:
            break
        f.write(d)
