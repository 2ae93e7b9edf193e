# expect: \.process\.args
.process.args = []
