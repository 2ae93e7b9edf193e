# expect: \.linux\.resources\.memory\.limit
.linux.resources.memory = {"limit": 1e30}
