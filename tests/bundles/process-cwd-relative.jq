# expect: \.process\.cwd
.process.cwd = "tmp"
