# expect: \.process\.user\.gid
.process.user.gid = "0"
