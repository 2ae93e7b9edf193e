# expect: \.process\.user
.process.user = [0]
