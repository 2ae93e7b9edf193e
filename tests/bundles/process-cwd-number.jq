# expect: \.process\.cwd
.process.cwd = 0
