# expect: \.process\.terminal
.process.terminal = "yes"
