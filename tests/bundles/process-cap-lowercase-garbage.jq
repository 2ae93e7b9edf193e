# expect: \.process\.capabilities\.ambient\[0\]
.process.capabilities.ambient = ["cap_kill; rm -rf /"]
