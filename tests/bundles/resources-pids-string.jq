# expect: \.linux\.resources\.pids\.limit
.linux.resources.pids = {"limit": "many"}
