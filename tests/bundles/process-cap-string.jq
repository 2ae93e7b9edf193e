# expect: \.process\.capabilities\.effective
.process.capabilities.effective = "CAP_KILL"
