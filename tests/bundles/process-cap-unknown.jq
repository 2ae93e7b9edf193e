# expect: \.process\.capabilities\.bounding\[1\].*CAP_NOT_A_CAP|CAP_NOT_A_CAP.*\.process\.capabilities\.bounding\[1\]
.process.capabilities.bounding = ["CAP_KILL", "CAP_NOT_A_CAP"]
