# expect: \.process\.user\.additionalGids\[1\]
.process.user.additionalGids = [1, -2]
