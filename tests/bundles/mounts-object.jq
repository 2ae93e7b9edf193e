# expect: \.mounts
.mounts = {"destination": "/x"}
