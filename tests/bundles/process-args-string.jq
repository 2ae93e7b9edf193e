# expect: \.process\.args
.process.args = "/bin/sh"
