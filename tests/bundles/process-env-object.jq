# expect: \.process\.env
.process.env = {"PATH": "/bin"}
