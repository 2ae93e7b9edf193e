# expect: \.process\.args\[1\]
.process.args = ["/bin/sh", 1]
